"""What a school applying to become a centre sees of the portal: its application and its
notices, not the menu of an exams officer nor the advice to ask a head of centre."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from portal.accounts import roles
from portal.calendar import london_date
from tests.centres.registration.applications import application_at
from tests.factories import StaffFactory, UserFactory
from tests.signing_in import sign_in

OFFICER_PAGES = [
    reverse("entries:index"),
    reverse("complaints:list"),
    reverse("arrangements:list"),
    reverse("programmes:list"),
    reverse("qa:list"),
    reverse("results:index"),
    reverse("enquiries:list"),
    reverse("postresults:list"),
]


@pytest.fixture
def team(db, charter):
    return StaffFactory(username="registrar", roles=[roles.REGISTRATION_TEAM])


@pytest.fixture
def applicant(db):
    return UserFactory(username="head", email="head@nairobi-hills.example")


def _menu(content: str) -> list[str]:
    nav = re.search(r'<nav class="site-nav".*?</nav>', content, re.S).group(0)
    return re.findall(r'<a href="([^"]+)"', nav)


def test_applicant_menu_offers_the_application_and_notices_only(client, applicant, team):
    application_at("submitted", applicant=applicant, staff=team)
    sign_in(client, applicant)

    content = client.get(reverse("home")).content.decode()

    assert _menu(content) == [
        reverse("home"),
        reverse("join:list"),
        reverse("notifications:list"),
        reverse("api-docs"),
    ]


def test_applicant_home_speaks_of_the_application_not_a_head_of_centre(client, applicant, team):
    application = application_at("submitted", applicant=applicant, staff=team)
    sign_in(client, applicant)

    content = client.get(reverse("home")).content.decode()

    assert "head of centre" not in content
    assert "<h1>Becoming a centre</h1>" in content
    assert application.get_absolute_url() in content
    # What only a centre can do is not offered.
    assert re.findall(r'<h2 id="home-[a-z]+">(.*?)</h2>', content) == [
        "Your application to become a centre"
    ]


def test_approved_applicant_becomes_an_officer_with_the_officer_menu(client, applicant, team):
    application_at("approved", applicant=applicant, staff=team)
    sign_in(client, applicant)

    menu = _menu(client.get(reverse("home")).content.decode())

    assert set(OFFICER_PAGES) <= set(menu)
    assert reverse("join:list") not in menu


def test_officer_menu_is_unchanged_for_an_officer(client, officer_gb):
    sign_in(client, officer_gb)

    content = client.get(reverse("home")).content.decode()

    assert set(OFFICER_PAGES) <= set(_menu(content))
    assert "Your centres" in content


def test_account_without_centre_or_application_is_told_who_can_add_it(client, db):
    person = UserFactory(username="removed")
    sign_in(client, person)

    content = client.get(reverse("home")).content.decode()

    assert _menu(content) == [
        reverse("home"),
        reverse("notifications:list"),
        reverse("api-docs"),
    ]
    assert "Ask your head of centre or the registration team to add you" in content


def test_staff_read_the_whole_application_page_in_london_time(client, applicant, team):
    import time_machine

    with time_machine.travel(dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC), tick=False):
        application = application_at("submitted", applicant=applicant, staff=team)
        sign_in(client, team)
        content = client.get(application.get_absolute_url()).content.decode()

    # Nairobi is three hours ahead: nothing on the page is in its time.
    assert "(times in Europe/London)" in content
    assert "4 Dec 2026 10:00" in content and "13:00" not in content


def test_school_reads_its_application_in_its_own_zone_deadlines_as_london_days(
    client, applicant, team
):
    import time_machine

    with time_machine.travel(dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC), tick=False):
        application = application_at("submitted", applicant=applicant, staff=team)
        sign_in(client, applicant)
        content = client.get(application.get_absolute_url()).content.decode()

    due = london_date(application.deadlines.get().due_at)
    assert "(times in Africa/Nairobi)" in content
    assert f"end of {due:%a %-d %b %Y} (UK time)" in content


def test_withdrawing_the_application_asks_for_confirmation(client, applicant, team):
    application = application_at("in_progress", applicant=applicant, staff=team)
    sign_in(client, applicant)
    url = reverse("join:withdraw", args=[application.reference])

    refused = client.post(url, {})
    application.refresh_from_db()
    assert refused.status_code == 400
    assert "Confirm that you want to withdraw the application." in refused.content.decode()
    assert application.status == "in_progress"

    client.post(url, {"withdraw-confirm": "on"})
    application.refresh_from_db()
    assert application.status == "withdrawn"
