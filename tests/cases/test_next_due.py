"""The stored next deadline of a case (``Case.next_due``): kept by the clocks through every
move, filled for cases that existed before the column, and what the staff queues sort by
through an index instead of a subquery per row."""

import datetime as dt

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints import services
from complaints.models import Complaint
from portal.calendar import LONDON
from portal.cases.backfill import fill_next_due
from portal.cases.models import Case
from portal.sla import services as clocks
from portal.sla.models import WAITING, Clock
from tests.complaints.conftest import SERVICE
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 11, 16, 10, 0, tzinfo=LONDON)


@pytest.fixture
def complaint(centre_gb, officer_gb, time_machine):
    time_machine.move_to(MONDAY)
    return services.submit_complaint(data=dict(SERVICE), centre=centre_gb, submitted_by=officer_gb)


def _earliest_waiting(case) -> dt.datetime | None:
    due = Clock.objects.for_case(case).filter(WAITING).order_by("due_at").first()
    return due.due_at if due else None


def _stored(case) -> dt.datetime | None:
    return Complaint.objects.values_list("next_due", flat=True).get(pk=case.pk)


def test_next_due_follows_every_move_of_the_clocks(complaint, staff_user, time_machine):
    assert _stored(complaint) == _earliest_waiting(complaint) is not None
    first = _stored(complaint)

    clocks.pause_clock(complaint, code="complaint.acknowledge", reason="waiting on the centre")
    assert _stored(complaint) is None

    time_machine.move_to(MONDAY + dt.timedelta(days=1))
    clocks.resume_clock(complaint, code="complaint.acknowledge")
    assert _stored(complaint) == _earliest_waiting(complaint) > first

    later = MONDAY + dt.timedelta(days=20)
    clocks.extend_clock(
        complaint, code="complaint.acknowledge", due_at=later, by=staff_user, reason="complex"
    )
    assert _stored(complaint) == _earliest_waiting(complaint)
    assert _stored(complaint).astimezone(LONDON).date() == later.date()

    services.acknowledge_complaint(Complaint.objects.get(pk=complaint.pk), by=staff_user)
    # The acknowledgement clock stopped, the response clock runs: its due instant now.
    assert _stored(complaint) == _earliest_waiting(complaint) is not None
    assert Clock.objects.get(code="complaint.acknowledge").state == Clock.State.MET


def test_next_due_keeps_a_missed_deadline_until_it_is_stopped(complaint, time_machine):
    from portal.sla.sweeps import sweep

    due = _stored(complaint)
    time_machine.move_to(due + dt.timedelta(hours=1))
    sweep()
    assert Clock.objects.get().state == Clock.State.BREACHED
    assert _stored(complaint) == due
    assert [c.reference for c in Complaint.objects.overdue()] == [complaint.reference]

    clocks.stop_clock(complaint, code="complaint.acknowledge")
    assert _stored(complaint) is None
    assert list(Complaint.objects.overdue()) == []


def test_next_due_follows_a_change_of_the_rule(complaint, staff_user):
    rule = Clock.objects.get().service_level
    clocks.update_service_level(rule, by=staff_user, limit_value=rule.limit_value + 5)
    assert _stored(complaint) == _earliest_waiting(complaint)


def test_fill_next_due_fills_cases_from_before_the_column(complaint, centre_gb, officer_gb):
    other = services.submit_complaint(data=dict(SERVICE), centre=centre_gb, submitted_by=officer_gb)
    clocks.stop_clock(other, code="complaint.acknowledge")
    expected = {c.pk: _earliest_waiting(c) for c in (complaint, other)}
    Complaint.objects.update(next_due=None)

    fill_next_due("complaints.Complaint")(apps, None)

    assert dict(Complaint.objects.values_list("pk", "next_due")) == expected
    assert expected[complaint.pk] is not None and expected[other.pk] is None


def test_every_case_type_has_the_next_due_index():
    case_types = [m for m in apps.get_models() if issubclass(m, Case)]
    assert len(case_types) >= 12
    for model in case_types:
        fields = [index.fields for index in model._meta.indexes]
        assert ["next_due", "created_at"] in fields, model


def test_staff_queue_sorts_by_the_stored_column_without_a_subquery(
    complaint, centre_gb, officer_gb, staff_user, client
):
    for _ in range(3):
        services.submit_complaint(data=dict(SERVICE), centre=centre_gb, submitted_by=officer_gb)
    staff = sign_in(client, staff_user)
    with CaptureQueriesContext(connection) as queries:
        response = staff.get("/admin/complaints/complaint/")
    assert response.status_code == 200
    listed = [c.pk for c in response.context["cl"].result_list]
    assert listed == list(
        Complaint.objects.order_by("next_due", "created_at").values_list("pk", flat=True)
    )
    # Not a query of the page reads the clocks: the order is the case's own column.
    assert not [q["sql"] for q in queries.captured_queries if "sla_clock" in q["sql"]]


def test_next_due_passes_over_a_clock_without_a_date(complaint):
    dated = _stored(complaint)
    undated = clocks.start_clock(complaint, code="qa.review")
    assert undated.due_at is None and undated.state == Clock.State.RUNNING
    assert _stored(complaint) == dated is not None
