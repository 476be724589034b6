"""Queries (contract 1.2): an officer asks, customer services answer the first time or refer
to a specialist team while the clock runs on, or take a complaint for what it is."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.admin.sites import site
from django.test import Client, RequestFactory

from complaints.helpdesk import services
from complaints.helpdesk.admin import QueryAdmin
from complaints.helpdesk.models import Query
from complaints.models import Complaint
from portal.accounts.roles import (
    ASSESSMENT_SPECIALIST,
    COMPLAINTS_INVESTIGATOR,
    CUSTOMER_SERVICES,
    DIRECTOR,
    ENTRIES_TEAM,
    REGISTRATION_TEAM,
    RESULTS_TEAM,
    SECURITY_TEAM,
)
from portal.notifications.models import Notification
from portal.sla.models import Clock
from tests.factories import CandidateFactory, SeriesFactory, StaffFactory, SyllabusFactory
from tests.signing_in import api_as, sign_in

pytestmark = pytest.mark.django_db

URL = "/api/v1/queries/"
ASKED = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)  # a Monday


@pytest.fixture(autouse=True)
def _charter(charter):
    """Every query starts the clock query.answer."""


@pytest.fixture
def desk(db):
    return StaffFactory(username="desk", roles=[CUSTOMER_SERVICES])


@pytest.fixture
def results_team(db):
    return StaffFactory(username="results", roles=[RESULTS_TEAM])


def clock(case):
    return Clock.objects.get(object_id=case.pk, code="query.answer", content_type__model="query")


def ask(officer, centre, **extra):
    return services.open_query(
        centre=centre,
        by=officer,
        subject="Late fees",
        body="Per entry or per candidate?",
        at=ASKED,
        **extra,
    )


def test_officer_asks_and_the_clock_starts_two_working_days(officer_api, officer_gb, centre_gb):
    SyllabusFactory(code="0580")
    CandidateFactory(centre=centre_gb, candidate_number="0007")
    with time_machine.travel(ASKED, tick=False):
        response = officer_api.post(
            URL,
            {
                "subject": "Late fees",
                "body": "Per entry?",
                "syllabus_code": "0580",
                "candidate_number": "0007",
            },
            format="json",
        )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["reference"].startswith("QRY-2027-")
    assert (data["status"], data["centre"], data["syllabus_code"], data["candidate_number"]) == (
        "received",
        "GB001",
        "0580",
        "0007",
    )
    [deadline] = data["deadlines"]
    assert deadline["code"] == "query.answer"
    case = Query.objects.get(reference=data["reference"])
    assert clock(case).state == "running"
    assert clock(case).due_at.date() == dt.date(2027, 3, 3)
    assert Notification.objects.filter(user=officer_gb, reference=case.reference).exists()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"subject": ""}, "subject"),
        ({"body": "   "}, "body"),
        ({"body": "x" * 10_001}, "body"),
        ({"syllabus_code": "9999"}, "syllabus_code"),
        ({"syllabus_code": "58"}, "syllabus_code"),
        ({"candidate_number": "4321"}, "candidate_number"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_saves_nothing(
    officer_api, officer_gb, change, field
):
    response = officer_api.post(URL, {"subject": "S", "body": "B", **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Query.objects.exists()


def test_another_centres_candidate_is_unknown(officer_api, officer_gb, centre_pk):
    CandidateFactory(centre=centre_pk, candidate_number="0007")
    response = officer_api.post(
        URL, {"subject": "S", "body": "B", "candidate_number": "0007"}, format="json"
    )
    assert response.status_code == 400
    assert "candidate_number" in response.json()["errors"]


def test_another_centres_officer_gets_404(officer_gb, officer_pk, centre_gb):
    case = ask(officer_gb, centre_gb)
    other = api_as(officer_pk)
    assert other.get(f"{URL}{case.reference}/").status_code == 404
    assert case.reference not in str(other.get(URL).json())
    assert other.post(f"{URL}{case.reference}/answer/", {"response": "x"}).status_code == 404


def test_staff_ask_on_a_centres_behalf_and_others_may_not(desk, results_team, centre_gb):
    response = api_as(desk).post(
        URL, {"centre": "GB001", "subject": "Phoned in", "body": "Asked by phone."}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["centre"] == "GB001"
    refused = api_as(results_team).post(
        URL, {"centre": "GB001", "subject": "S", "body": "B"}, format="json"
    )
    assert refused.status_code == 403


def test_answer_stops_the_clock_and_tells_the_centre(desk, officer_gb, officer_api, centre_gb):
    case = ask(officer_gb, centre_gb)
    assert officer_api.post(f"{URL}{case.reference}/answer/", {"response": "x"}).status_code == 403
    with time_machine.travel(ASKED + dt.timedelta(hours=3), tick=False):
        response = api_as(desk).post(
            f"{URL}{case.reference}/answer/", {"response": "Per entry."}, format="json"
        )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["response"]) == ("answered", "Per entry.")
    assert clock(case).state == "met"
    assert Notification.objects.filter(user=officer_gb, subject__contains="answer").exists()
    again = api_as(desk).post(
        f"{URL}{case.reference}/answer/", {"response": "Again"}, format="json"
    )
    assert again.status_code == 200
    assert again.json()["response"] == "Per entry."  # a repeat changes nothing
    assert api_as(desk).post(f"{URL}{case.reference}/answer/", {}, format="json").status_code == 400


def test_refer_keeps_the_clock_running_and_moves_the_query_to_the_teams_queue(
    desk, results_team, officer_gb, centre_gb
):
    case = ask(officer_gb, centre_gb)
    response = api_as(desk).post(
        f"{URL}{case.reference}/refer/", {"role": RESULTS_TEAM}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["referred_to"]) == ("referred", RESULTS_TEAM)
    assert clock(case).state == "running"
    told = Notification.objects.get(user=officer_gb, subject__contains="passed to our")
    assert "results team" in told.body
    assert Notification.objects.filter(user=results_team, reference=case.reference).exists()

    request = RequestFactory().get("/admin/queries/query/")
    request.user = results_team
    queue = QueryAdmin(Query, site).get_queryset(request)
    assert list(queue.values_list("reference", flat=True)) == [case.reference]
    bad = api_as(desk).post(f"{URL}{case.reference}/refer/", {"role": "Janitors"}, format="json")
    assert bad.status_code == 400

    # The team answers from its queue.
    answered = api_as(results_team).post(
        f"{URL}{case.reference}/answer/", {"response": "Paper 2 is marked now."}, format="json"
    )
    assert answered.json()["status"] == "answered"


@pytest.mark.parametrize("team", [choice for choice, _ in services.REFERRAL_ROLE.choices])
def test_every_team_a_query_may_be_referred_to_answers_it_from_its_queue(
    team, desk, officer_gb, centre_gb
):
    case = ask(officer_gb, centre_gb)
    member = StaffFactory(username="member", roles=[team])
    referred = api_as(desk).post(f"{URL}{case.reference}/refer/", {"role": team}, format="json")
    assert referred.status_code == 200, referred.json()

    page = sign_in(Client(), member).get("/admin/queries/query/", {"referred_to": team})
    assert page.status_code == 200
    assert case.reference in page.content.decode()
    answered = api_as(member).post(
        f"{URL}{case.reference}/answer/", {"response": "Answered by the team."}, format="json"
    )
    assert answered.json()["status"] == "answered"


def test_the_queue_filters_by_each_team_a_query_may_be_referred_to(desk):
    assert Query.QUEUE.teams == (
        ASSESSMENT_SPECIALIST,
        ENTRIES_TEAM,
        RESULTS_TEAM,
        REGISTRATION_TEAM,
    )
    page = sign_in(Client(), desk).get("/admin/queries/query/").content.decode()
    assert "By referred to" in page
    for team in Query.QUEUE.teams:
        assert f'href="?referred_to={team.replace(" ", "+")}"' in page


@pytest.mark.parametrize("role", [COMPLAINTS_INVESTIGATOR, DIRECTOR, SECURITY_TEAM])
def test_a_query_is_never_referred_to_a_role_that_does_not_work_queries(
    role, desk, officer_gb, centre_gb
):
    case = ask(officer_gb, centre_gb)
    refused = api_as(desk).post(f"{URL}{case.reference}/refer/", {"role": role}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"]["role"][0].startswith("Refer a query to one of: ")
    case.refresh_from_db()
    assert (case.status, case.referred_to) == ("received", "")


def test_a_specialist_team_sees_only_what_is_referred_to_it(results_team, officer_gb, centre_gb):
    ask(officer_gb, centre_gb)
    request = RequestFactory().get("/admin/queries/query/")
    request.user = results_team
    assert not QueryAdmin(Query, site).get_queryset(request).exists()


def test_a_query_that_is_a_complaint_is_taken_as_one(desk, officer_gb, centre_gb):
    case = ask(officer_gb, centre_gb)
    response = api_as(desk).post(
        f"{URL}{case.reference}/take-as-complaint/", {"category": "service"}, format="json"
    )
    assert response.status_code == 200, response.json()
    complaint = Complaint.objects.get(reference=response.json()["complaint"])
    assert (complaint.centre, complaint.subject, complaint.description) == (
        centre_gb,
        "Late fees",
        "Per entry or per candidate?",
    )
    assert response.json()["status"] == "taken_as_complaint"
    assert clock(case).state != "running"
    again = api_as(desk).post(
        f"{URL}{case.reference}/take-as-complaint/", {"category": "service"}, format="json"
    )
    assert again.status_code == 200
    assert Complaint.objects.count() == 1


def test_pages_list_ask_and_show_a_query_and_hide_another_centres(
    client, officer_gb, officer_pk, centre_gb
):
    SeriesFactory(code="J27")
    sign_in(client, officer_gb)
    page = client.get("/queries/new/")
    assert page.status_code == 200
    refused = client.post("/queries/new/", {"centre": centre_gb.pk, "subject": "", "body": ""})
    assert refused.status_code == 400
    assert "Give a subject." in refused.content.decode()
    sent = client.post(
        "/queries/new/", {"centre": centre_gb.pk, "subject": "Timetable", "body": "When?"}
    )
    case = Query.objects.get()
    assert sent.status_code == 302 and sent["Location"] == case.get_absolute_url()
    assert "Timetable" in client.get("/queries/").content.decode()
    assert "When?" in client.get(case.get_absolute_url()).content.decode()
    other = sign_in(client.__class__(), officer_pk)
    assert other.get(case.get_absolute_url()).status_code == 404


def test_staff_answer_from_the_page(desk, officer_gb, centre_gb, client):
    case = ask(officer_gb, centre_gb)
    sign_in(client, desk)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Send the answer" in page and "Refer" in page and "Take as a complaint" in page
    refused = client.post(f"{case.get_absolute_url()}answer/", {"answer-response": ""})
    assert refused.status_code == 400
    done = client.post(f"{case.get_absolute_url()}answer/", {"answer-response": "Per entry."})
    assert done.status_code == 302
    assert Query.objects.get().status == "answered"


def test_demo_has_a_query_in_every_state(seeded_demo):
    assert set(Query.objects.values_list("status", flat=True)) == set(Query.Status.values)


def test_staff_actions_are_drawn_from_the_moves_declared(desk, officer_gb, centre_gb, client):
    case = ask(officer_gb, centre_gb)
    url = case.get_absolute_url()

    def move_forms(page):
        return re.findall(rf'<form method="post" action="{url}([a-z-]+)/"', page)

    page = sign_in(client, desk).get(url).content.decode()
    assert move_forms(page) == ["answer", "refer", "take-as-complaint"]
    assert '<h3 id="refer">Refer to a specialist team</h3>' in page
    assert "the clock keeps running and the centre is told who has it." in page

    refused = client.post(f"{url}refer/", {"refer-role": ""})
    assert refused.status_code == 400
    shown = refused.content.decode()
    # The error is beside the field, in the form of the move refused; the others are new.
    assert shown.count("Choose the team to refer it to.") == 2  # the summary and the field
    assert 'id="id_refer-role_error"' in shown

    services.answer_query(case, by=desk, response="Per entry.")
    assert move_forms(client.get(url).content.decode()) == []

    officer_page = sign_in(client.__class__(), officer_gb).get(url).content.decode()
    assert move_forms(officer_page) == []
