"""The kit's case list (``CaseListView``): open cases unless asked for all, newest first, 50
a page, and the choice to show all kept from page to page."""

import pytest

from complaints.helpdesk import services
from complaints.helpdesk.models import Query
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _charter(charter):
    """Every query starts the clock query.answer."""


def ask(officer, centre, n):
    return services.open_query(centre=centre, by=officer, subject=f"Question {n}", body="When?")


def test_a_list_pages_through_every_case_keeping_show_all(
    client, officer_gb, centre_gb, staff_user
):
    asked = [ask(officer_gb, centre_gb, n) for n in range(55)]
    for case in asked[:3]:
        services.answer_query(case, by=staff_user, response="Now.")
    newest_first = [c.reference for c in reversed(asked)]
    sign_in(client, officer_gb)

    waiting = client.get("/queries/")
    assert [c.reference for c in waiting.context["queries"]] == newest_first[:50]
    assert 'href="?page=2"' in waiting.content.decode()
    rest = client.get("/queries/", {"page": 2}).context["queries"]
    assert [c.reference for c in rest] == newest_first[50:52]

    every = client.get("/queries/", {"show": "all", "page": 2})
    assert [c.reference for c in every.context["queries"]] == newest_first[50:]
    assert 'href="?show=all&amp;page=1"' in every.content.decode()


def test_a_list_is_refused_to_staff_whose_role_does_not_work_with_it(client):
    from portal.accounts.roles import SECURITY_TEAM
    from tests.factories import StaffFactory

    sign_in(client, StaffFactory(roles=[SECURITY_TEAM]))
    assert client.get("/queries/").status_code == 403
    assert Query.objects.count() == 0


def test_a_case_queue_shows_the_record_read_only(client, officer_gb, centre_gb):
    from portal.accounts.roles import CUSTOMER_SERVICES
    from tests.factories import StaffFactory

    case = ask(officer_gb, centre_gb, 1)
    sign_in(client, StaffFactory(roles=[CUSTOMER_SERVICES]))
    page = client.get(f"/admin/queries/query/{case.pk}/change/")

    assert page.status_code == 200
    assert "Question 1" in page.content.decode()
    assert 'name="subject"' not in page.content.decode()
    saved = client.post(f"/admin/queries/query/{case.pk}/change/", {"subject": "Changed"})
    assert saved.status_code in (302, 403)
    assert Query.objects.get().subject == "Question 1"
