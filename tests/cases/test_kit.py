"""The case kit, shown on complaints: one meaning of overdue and due today, the filters every
case list has (and that the schema describes), and a refused form on the case page."""

import datetime as dt

import pytest
from django.urls import reverse

from complaints import services
from complaints.models import Complaint
from portal.calendar import LONDON
from portal.workflow import may
from tests.complaints.conftest import SERVICE, html
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db

URL = "/api/v1/complaints/"
# Monday 16 November 2026, 10:00 in London: acknowledgement due end of Wednesday 18th.
MONDAY = dt.datetime(2026, 11, 16, 10, 0, tzinfo=LONDON)


@pytest.fixture
def received_monday(centre_gb, officer_gb, time_machine):
    time_machine.move_to(MONDAY)
    return services.submit_complaint(data=dict(SERVICE), centre=centre_gb, submitted_by=officer_gb)


def _refs(cases):
    return [c.reference for c in cases]


def test_due_windows_follow_the_clock(received_monday, time_machine):
    cases = Complaint.objects.all()
    assert _refs(cases.due_within("week")) == [received_monday.reference]
    assert _refs(cases.due_today()) == []
    time_machine.move_to(dt.datetime(2026, 11, 18, 9, 0, tzinfo=LONDON))
    assert _refs(cases.due_today()) == [received_monday.reference]
    assert _refs(cases.overdue()) == []
    time_machine.move_to(dt.datetime(2026, 11, 19, 0, 1, tzinfo=LONDON))
    assert _refs(cases.overdue()) == [received_monday.reference]
    assert _refs(cases.due_today()) == []


def test_overdue_means_the_same_before_and_after_the_sweep(received_monday, time_machine):
    from portal.sla.sweeps import sweep

    time_machine.move_to(dt.datetime(2026, 11, 19, 9, 0, tzinfo=LONDON))
    before = _refs(Complaint.objects.overdue())
    sweep()
    assert _refs(Complaint.objects.overdue()) == before == [received_monday.reference]


def test_met_deadline_is_neither_overdue_nor_due(received_monday, staff_user, time_machine):
    services.acknowledge_complaint(received_monday, by=staff_user)
    cases = Complaint.objects.all()
    # The response clock now runs: due in 10 working days, not today.
    assert _refs(cases.due_today()) == [] and _refs(cases.overdue()) == []
    assert cases.get().next_due.date() == dt.date(2026, 11, 30)


def test_list_filters_validate_their_values(staff_api, complaint):
    assert staff_api.get(URL, {"status": "received"}).json()["count"] == 1
    assert staff_api.get(URL, {"status": "acknowledged"}).json()["count"] == 0
    bad = staff_api.get(URL, {"status": "nonsense", "due": "soon", "category": "x"})
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"status", "due", "category"}
    assert staff_api.get(URL, {"centre": "not a number"}).status_code == 400
    assert staff_api.get(URL, {"open": "false"}).json()["count"] == 0


def test_list_filters_are_in_the_schema(staff_api):
    schema = staff_api.get("/api/schema/", {"format": "json"}).json()
    listed = {p["name"]: p for p in schema["paths"][URL]["get"]["parameters"]}
    assert {"status", "centre", "due", "open", "category", "assigned_to"} <= set(listed)
    assert "acknowledged" in listed["status"]["schema"]["enum"]
    assert listed["due"]["schema"]["enum"] == ["overdue", "today", "week"]


def test_refused_attachment_keeps_the_message_and_names_the_field(client, officer_gb, complaint):
    sign_in(client, officer_gb)
    response = client.post(
        reverse("complaints:reply", args=[complaint.reference]),
        {"reply-body": "Here is the courier's note.", "reply-attachments": [html()]},
    )
    assert response.status_code == 400
    page = response.text
    assert "<title>Error:" in page
    assert "Here is the courier&#x27;s note." in page
    assert 'href="#id_reply-attachments"' in page
    assert complaint.messages.filter(body__startswith="Here is").count() == 0


def test_owner_move_is_made_by_the_case_owner_only(db, officer_gb, officer_pk, staff_user):
    from centres.registration.applications import CentreApplication
    from tests.centres.registration.applications import application_at

    application = application_at("in_progress", applicant=officer_gb, staff=staff_user)

    assert may(officer_gb, application, "submit")
    assert not may(officer_pk, application, "submit")
    assert not may(staff_user, application, "submit")  # staff hold no owner moves
    assert list(CentreApplication.objects.visible_to(officer_gb)) == [application]
    assert list(CentreApplication.objects.visible_to(officer_pk)) == []


def test_move_naming_nobody_is_refused():
    from portal.workflow import move

    with pytest.raises(ValueError):
        move("anything", sources=["open"])


def test_a_case_type_whose_page_is_not_served_fails_the_check(settings):
    """A case's notices and queues link to ``<app label>:detail``: served nowhere, the
    check says so before any notice links to nowhere."""
    from django.core import checks

    from complaints.helpdesk.models import Query
    from portal import urls

    def found():
        # As manage.py check runs it: registered with the URL checks.
        return [e for e in checks.run_checks(tags=[checks.Tags.urls]) if e.id == "cases.E001"]

    assert found() == []
    served = [p for p in urls.urlpatterns if getattr(p, "namespace", None) != "queries"]
    settings.ROOT_URLCONF = tuple(served)
    errors = found()
    assert [(e.id, e.obj) for e in errors] == [("cases.E001", Query)]
    assert isinstance(errors[0], checks.Error)
