"""Every new case tells the team that works it: complaints (from an officer or the public)
customer services, post-results requests the results team, queries customer services."""

import pytest

from complaints import services as complaints
from complaints.models import Submitter
from portal.accounts.roles import CUSTOMER_SERVICES, RESULTS_TEAM
from portal.notifications.models import Notification
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(db):
    return StaffFactory(username="desk", roles=[CUSTOMER_SERVICES])


@pytest.fixture
def results(db):
    return StaffFactory(username="results", roles=[RESULTS_TEAM])


def told(person, reference) -> list[str]:
    return list(
        Notification.objects.filter(user=person, reference=reference).values_list(
            "subject", flat=True
        )
    )


def test_a_centres_complaint_tells_customer_services(desk, results, officer_gb, centre_gb):
    complaint = complaints.submit_complaint(
        data={"category": "service", "subject": "Late papers", "description": "Late."},
        centre=centre_gb,
        submitted_by=officer_gb,
    )
    assert told(desk, complaint.reference) == [f"{complaint.reference}: new complaint"]
    assert told(results, complaint.reference) == []


def test_a_public_complaint_tells_customer_services(desk):
    complaint = complaints.submit_complaint(
        data={
            "category": "service",
            "subject": "No reply",
            "description": "Nobody answered.",
            "contact_name": "A. Parent",
            "contact_email": "parent@example.org",
        },
        submitter_type=Submitter.PARENT,
    )
    assert told(desk, complaint.reference) == [f"{complaint.reference}: new complaint"]


def test_a_certifying_statement_application_tells_the_results_team(results, charter):
    import datetime as dt

    from results.postresults import services as postresults
    from tests.factories import SeriesFactory

    series = SeriesFactory(code="J25", name="June 2025")
    case = postresults.apply_for_certifying_statement(
        name="Alex Smith",
        date_of_birth=dt.date(2008, 1, 1),
        email="alex@example.org",
        series=series,
        delivery_address="1 High Street, Cambridge",
        centre_number="GB001",
        candidate_number="0001",
    )
    assert told(results, case.reference) == [f"{case.reference}: new post-results service request"]


def test_a_query_tells_customer_services(desk, officer_gb, centre_gb, charter):
    from complaints.helpdesk import services as helpdesk

    case = helpdesk.open_query(centre=centre_gb, by=officer_gb, subject="Fees", body="How much?")
    assert told(desk, case.reference) == [f"{case.reference}: new query"]
