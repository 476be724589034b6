import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from complaints import services
from complaints.models import RESPOND, Category
from portal.audit import history_of
from portal.calendar import end_of_day
from portal.sla.models import Clock
from portal.sla.sweeps import sweep
from tests.complaints.conftest import SERVICE
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
CHRISTMAS_EVE = dt.datetime(2026, 12, 24, 10, 0, tzinfo=LONDON)


def _clock(complaint, code):
    return Clock.objects.for_case(complaint).get(code=code)


@pytest.fixture
def received(centre_gb, officer_gb, time_machine):
    time_machine.move_to(CHRISTMAS_EVE, tick=False)
    return services.submit_complaint(data=dict(SERVICE), centre=centre_gb, submitted_by=officer_gb)


def test_clock_acknowledge_starts_at_creation_two_working_days(received):
    clock = _clock(received, "complaint.acknowledge")
    assert clock.state == "running"
    # 25 and 28 December are bank holidays: the second working day is Wednesday 30th.
    assert clock.due_at == end_of_day(dt.date(2026, 12, 30))


def test_clock_deadlines_in_the_api(officer_api, received):
    body = officer_api.get(f"/api/v1/complaints/{received.reference}/").json()
    assert [(d["code"], d["state"], d["stopped_at"]) for d in body["deadlines"]] == [
        ("complaint.acknowledge", "running", None)
    ]


def test_clock_acknowledge_stops_and_respond_starts(received, staff_user, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 29, 9, 0, tzinfo=LONDON), tick=False)
    services.acknowledge_complaint(received, by=staff_user)
    assert _clock(received, "complaint.acknowledge").state == "met"
    respond = _clock(received, "complaint.respond")
    assert respond.state == "running"
    # 1 January is a bank holiday: the tenth working day after 29 December is 13 January.
    assert respond.due_at == end_of_day(dt.date(2027, 1, 13))


def test_clock_late_acknowledgement_stays_breached(received, staff_user, time_machine):
    time_machine.move_to(dt.datetime(2027, 1, 4, 9, 0, tzinfo=LONDON), tick=False)
    services.acknowledge_complaint(received, by=staff_user)
    clock = _clock(received, "complaint.acknowledge")
    assert (clock.state, clock.stopped_at is not None) == ("breached", True)


def test_clock_respond_stops_when_answered(received, staff_user, time_machine):
    services.acknowledge_complaint(received, by=staff_user)
    time_machine.move_to(dt.datetime(2027, 1, 5, 9, 0, tzinfo=LONDON), tick=False)
    services.respond_to_complaint(received, by=staff_user, response="Sorry.")
    assert _clock(received, "complaint.respond").state == "met"


def test_clock_extended_complex_case_keeps_the_breach_on_record(received, staff_user, time_machine):
    services.acknowledge_complaint(received, by=staff_user)
    original_due = _clock(received, "complaint.respond").due_at
    time_machine.move_to(original_due + dt.timedelta(days=1), tick=False)
    sweep()
    services.extend_response(
        received,
        by=staff_user,
        due_at=original_due + dt.timedelta(days=14),
        reason="We are waiting for the examiner's report.",
    )
    clock = _clock(received, "complaint.respond")
    assert clock.state == "running"
    assert clock.breached_at == original_due
    assert clock.due_at > original_due
    assert received.messages.filter(kind="progress").exists()


def test_clock_not_started_for_redirected_submission(centre_gb, officer_gb):
    complaint = services.submit_complaint(
        data={**SERVICE, "category": Category.RESULTS}, centre=centre_gb, submitted_by=officer_gb
    )
    assert not Clock.objects.for_case(complaint).exists()


def test_clock_repeated_acknowledge_starts_one_respond_clock(received, staff_user):
    services.acknowledge_complaint(received, by=staff_user)
    services.acknowledge_complaint(received, by=staff_user)
    assert Clock.objects.for_case(received).filter(code="complaint.respond").count() == 1


def test_detail_page_shows_deadlines(client, officer_gb, received):
    sign_in(client, officer_gb)
    page = client.get(received.get_absolute_url())
    assert "Deadlines" in page.text
    assert "30 Dec" in page.text or "30 December" in page.text


def test_clock_breach_notice_shown_on_the_case(received, client, time_machine):
    from django.contrib.auth.models import Group

    from portal.accounts import roles
    from tests.factories import StaffFactory

    investigator = StaffFactory(username="investigator", roles=[roles.COMPLAINTS_INVESTIGATOR])
    investigator.groups.add(Group.objects.get_or_create(name=roles.COMPLAINTS_INVESTIGATOR)[0])
    due = _clock(received, "complaint.acknowledge").due_at
    time_machine.move_to(due + dt.timedelta(minutes=5), tick=False)
    sweep()
    sign_in(client, investigator)
    page = client.get(received.get_absolute_url())
    assert [n.kind for n in page.context["notices"]] == ["breach"]
    assert "Notices" in page.text


def test_steps_taken_at_a_past_instant_are_dated_then(centre_gb, officer_gb, staff_user):
    came_in = dt.datetime(2026, 6, 1, 10, tzinfo=LONDON)
    acknowledged_at, extended_at = came_in + dt.timedelta(days=1), came_in + dt.timedelta(days=8)
    case = services.submit_complaint(
        data=dict(SERVICE), centre=centre_gb, submitted_by=officer_gb, at=came_in
    )
    services.acknowledge_complaint(case, by=staff_user, at=acknowledged_at)
    services.extend_response(
        case,
        by=staff_user,
        at=extended_at,
        due_at=dt.datetime(2026, 6, 25, 17, tzinfo=LONDON),
        reason="The examiner is away.",
    )
    statuses = history_of(case).filter(action="status")
    assert list(statuses.values_list("at", flat=True)) == [acknowledged_at]
    assert history_of(case).get(action="extended").at == extended_at
    assert sorted(case.messages.values_list("created_at", flat=True)) == [
        came_in,
        acknowledged_at,
        extended_at,
    ]
    respond = Clock.objects.for_case(case).get(code=RESPOND)
    assert respond.due_at == end_of_day(dt.date(2026, 6, 25))
    assert history_of(respond).get(action="extend").at == extended_at


def test_clock_under_another_charter_uses_its_times_and_runs_without_missing_rules(
    centre_gb, officer_gb, staff_user
):
    from django.core.management import call_command

    call_command("load_charter", "cmi")
    complaint = services.submit_complaint(
        data=dict(SERVICE), centre=centre_gb, submitted_by=officer_gb
    )
    assert "acknowledge it within 3 working days" in complaint.messages.get().body
    complaint = services.acknowledge_complaint(complaint, by=staff_user)
    assert complaint.status == "acknowledged"
    assert [(c.code, c.state) for c in Clock.objects.for_case(complaint)] == [
        ("complaint.acknowledge", "met")
    ]
    assert "we aim to respond as soon as we can" in complaint.messages.last().body
