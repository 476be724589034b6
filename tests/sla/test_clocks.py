import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command

from portal import audit
from portal.errors import PortalError, TransitionNotAllowed
from portal.sla.models import Clock, ServiceLevel
from portal.sla.services import (
    NoSuchClock,
    add_closure_day,
    cancel_clocks,
    extend_clock,
    load_charter,
    pause_clock,
    remove_closure_day,
    resume_clock,
    start_clock,
    stop_clock,
    update_service_level,
)
from portal.sla.sweeps import sweep
from tests.sla.conftest import london, run_at_once

pytestmark = pytest.mark.django_db

CHRISTMAS_EVE = london(2026, 12, 24, 10)


def end_of(*date) -> dt.datetime:
    return dt.datetime.combine(dt.date(*date), dt.time.max, tzinfo=london(2026, 1, 1).tzinfo)


# Start ------------------------------------------------------------------------------------


def test_start_clock_computes_due_from_the_rule(case):
    clock = start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    assert (clock.state, clock.due_at, clock.reference) == (
        "running",
        end_of(2026, 12, 30),
        case.reference,
    )
    assert (clock.centre, clock.series) == (case.centre, case.series)
    assert clock.case == case


def test_start_clock_defaults_to_the_application_clock(case):
    with time_machine.travel(CHRISTMAS_EVE, tick=False):
        clock = start_clock(case, code="complaint.acknowledge")
    assert clock.started_at == CHRISTMAS_EVE


def test_start_clock_repeated_returns_the_running_clock(case):
    first = start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    again = start_clock(
        case, code="complaint.acknowledge", at=CHRISTMAS_EVE + dt.timedelta(hours=3)
    )
    assert again.pk == first.pk
    assert Clock.objects.for_case(case).count() == 1


def test_start_clock_after_the_last_one_stopped_starts_a_new_one(case):
    start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    stop_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE + dt.timedelta(hours=1))
    start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE + dt.timedelta(days=1))
    assert list(Clock.objects.for_case(case).values_list("state", flat=True)) == ["met", "running"]


def test_start_clock_unknown_code_is_refused(case):
    with pytest.raises(PortalError, match="No active service level has the code 'nope'"):
        start_clock(case, code="nope")
    assert not Clock.objects.exists()


def test_start_clock_with_a_date_set_by_staff_is_due_at_the_end_of_that_day(case):
    clock = start_clock(
        case, code="qa.review", at=london(2026, 6, 20, 9), due_at=london(2026, 7, 14, 12)
    )
    assert clock.due_at == end_of(2026, 7, 14)


def test_start_clock_without_a_date_for_a_rule_without_limit_has_no_due(case):
    clock = start_clock(case, code="qa.review", at=london(2026, 6, 20, 9))
    assert (clock.due_at, clock.remind_at) == (None, None)


def test_for_case_answers_only_that_cases_clocks(case, case_pk):
    start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    start_clock(case_pk, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    assert [c.object_id for c in Clock.objects.for_case(case)] == [case.pk]


# Stop -------------------------------------------------------------------------------------


def test_stop_clock_on_time_is_met(case, staff_user):
    start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    done = london(2026, 12, 30, 23, 59)
    clock = stop_clock(case, code="complaint.acknowledge", at=done, by=staff_user)
    assert (clock.state, clock.stopped_at, clock.breached_at) == ("met", done, None)
    assert audit.history_of(clock).last().data == {"from": "running", "to": "met"}


def test_stop_clock_late_stays_breached_and_records_the_stop(case):
    start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    late = london(2026, 12, 31, 9)
    clock = stop_clock(case, code="complaint.acknowledge", at=late)
    assert (clock.state, clock.stopped_at, clock.breached_at) == (
        "breached",
        late,
        end_of(2026, 12, 30),
    )
    assert clock.notices.get().kind == "breach"


def test_stop_clock_repeated_changes_nothing(case):
    start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    first = stop_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE + dt.timedelta(hours=1))
    again = stop_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE + dt.timedelta(days=9))
    assert (again.pk, again.state, again.stopped_at) == (first.pk, "met", first.stopped_at)
    assert audit.history_of(first).filter(action="status").count() == 1


def test_stop_clock_without_a_clock_answers_none(case):
    assert stop_clock(case, code="complaint.acknowledge") is None


def test_stop_clock_of_a_breached_clock_records_when_it_stopped(case):
    start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)

    sweep(now=london(2027, 1, 2, 9))
    clock = stop_clock(case, code="complaint.acknowledge", at=london(2027, 1, 4, 9))
    assert (clock.state, clock.stopped_at) == ("breached", london(2027, 1, 4, 9))


# Pause and resume -------------------------------------------------------------------------


def test_pause_clock_then_resume_adds_back_whole_working_days(case, staff_user):
    start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    paused = pause_clock(
        case,
        code="complaint.acknowledge",
        at=london(2026, 12, 29, 10),
        by=staff_user,
        reason="Asked",
    )
    assert (paused.state, paused.paused_at) == ("paused", london(2026, 12, 29, 10))
    # Paused Tue 10:00 to Wed 09:00: 23 hours of working days, rounded up to one.
    clock = resume_clock(
        case, code="complaint.acknowledge", at=london(2026, 12, 30, 9), by=staff_user
    )
    assert (clock.state, clock.paused_days, clock.due_at) == ("running", 1, end_of(2026, 12, 31))


def test_resume_clock_after_a_weekend_pause_adds_nothing(case):
    start_clock(case, code="complaint.respond", at=london(2026, 6, 5, 9))
    pause_clock(case, code="complaint.respond", at=london(2026, 6, 6, 9))
    clock = resume_clock(case, code="complaint.respond", at=london(2026, 6, 7, 20))
    assert (clock.paused_days, clock.due_at) == (0, end_of(2026, 6, 19))


def test_resume_clock_of_a_calendar_rule_adds_whole_days(case):
    start_clock(case, code="ear.outcome", at=london(2026, 8, 13, 8))
    pause_clock(case, code="ear.outcome", at=london(2026, 8, 20, 8))
    clock = resume_clock(case, code="ear.outcome", at=london(2026, 8, 21, 9))
    assert (clock.paused_days, clock.due_at) == (2, end_of(2026, 9, 14))


def test_pause_clock_repeated_keeps_the_first_pause(case):
    start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    pause_clock(case, code="complaint.acknowledge", at=london(2026, 12, 29, 10))
    again = pause_clock(case, code="complaint.acknowledge", at=london(2026, 12, 29, 15))
    assert again.paused_at == london(2026, 12, 29, 10)


def test_pause_clock_of_a_met_clock_is_refused(case):
    start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    stop_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    with pytest.raises(NoSuchClock, match="no open deadline to acknowledge a complaint to pause"):
        pause_clock(case, code="complaint.acknowledge")


def test_resume_clock_of_a_running_clock_changes_nothing(case):
    clock = start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    again = resume_clock(case, code="complaint.acknowledge", at=london(2026, 12, 29, 10))
    assert (again.state, again.due_at) == ("running", clock.due_at)


def test_resume_clock_of_a_breached_clock_is_refused(case):
    start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    stop_clock(case, code="complaint.acknowledge", at=london(2027, 1, 5, 9))
    start_clock(case, code="complaint.respond", at=CHRISTMAS_EVE)

    sweep(now=london(2027, 2, 1, 9))
    with pytest.raises(TransitionNotAllowed, match="is not paused"):
        resume_clock(case, code="complaint.respond")


def test_stop_clock_of_a_paused_clock_is_met(case):
    start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    pause_clock(case, code="complaint.acknowledge", at=london(2026, 12, 29, 10))
    clock = stop_clock(case, code="complaint.acknowledge", at=london(2027, 1, 8, 10))
    assert clock.state == "met"


# Cancel -----------------------------------------------------------------------------------


def test_cancel_clocks_cancels_running_and_paused_clocks(case, staff_user):
    start_clock(case, code="ear.acknowledge", at=CHRISTMAS_EVE)
    start_clock(case, code="ear.outcome", at=CHRISTMAS_EVE)
    pause_clock(case, code="ear.outcome", at=CHRISTMAS_EVE)
    assert cancel_clocks(case, at=london(2026, 12, 28, 9), by=staff_user) == 2
    assert set(Clock.objects.for_case(case).values_list("state", flat=True)) == {"cancelled"}


def test_cancel_clocks_repeated_cancels_nothing_more(case):
    start_clock(case, code="ear.acknowledge", at=CHRISTMAS_EVE)
    cancel_clocks(case)
    assert cancel_clocks(case) == 0


def test_cancel_clocks_keeps_a_breach_on_record(case):
    start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)

    sweep(now=london(2027, 1, 2, 9))
    assert cancel_clocks(case, at=london(2027, 1, 3, 9)) == 0
    clock = Clock.objects.for_case(case).get()
    assert (clock.state, clock.stopped_at) == ("breached", london(2027, 1, 3, 9))


def test_cancel_clocks_settles_a_deadline_missed_before_any_sweep_saw_it(case):
    start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)  # due 30 December
    # Withdrawn four days late, before a sweep has run since the deadline passed.
    assert cancel_clocks(case, at=london(2027, 1, 3, 9)) == 0
    clock = Clock.objects.for_case(case).get()
    assert (clock.state, clock.breached_at, clock.stopped_at) == (
        "breached",
        end_of(2026, 12, 30),
        london(2027, 1, 3, 9),
    )
    assert list(clock.notices.values_list("kind", flat=True)) == ["breach"]
    # The sweep that comes later tells of it no second time.
    sweep(now=london(2027, 1, 3, 10))
    assert clock.notices.count() == 1


@pytest.mark.parametrize("before", [dt.timedelta(minutes=1), dt.timedelta(0)])
def test_cancel_clocks_cancels_a_clock_withdrawn_on_time(case, before):
    # At the due instant itself the deadline is still kept, as a stop then counts met.
    start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    assert cancel_clocks(case, at=end_of(2026, 12, 30) - before) == 1
    clock = Clock.objects.for_case(case).get()
    assert (clock.state, clock.notices.count()) == ("cancelled", 0)


# Extend -----------------------------------------------------------------------------------


def test_extend_clock_gives_a_later_date_and_audits_why(case, staff_user):
    start_clock(case, code="complaint.respond", at=london(2027, 3, 19, 15))
    clock = extend_clock(
        case,
        code="complaint.respond",
        due_at=london(2027, 4, 20, 9),
        by=staff_user,
        reason="Complex",
    )
    assert (clock.due_at, clock.round) == (end_of(2027, 4, 20), 1)
    event = audit.history_of(clock).get(action="extend")
    assert (event.actor, event.summary) == (staff_user, "Complex")


def test_extend_clock_to_an_earlier_date_is_refused(case, staff_user):
    start_clock(case, code="complaint.respond", at=london(2027, 3, 19, 15))
    with pytest.raises(PortalError, match="must be later than Tue 06 Apr 2027"):
        extend_clock(
            case, code="complaint.respond", due_at=london(2027, 4, 6, 9), by=staff_user, reason="x"
        )
    assert Clock.objects.get().due_at == end_of(2027, 4, 6)


def test_extend_clock_without_a_reason_is_refused(case, staff_user):
    start_clock(case, code="complaint.respond", at=london(2027, 3, 19, 15))
    with pytest.raises(PortalError, match="Say why"):
        extend_clock(
            case, code="complaint.respond", due_at=london(2027, 5, 6, 9), by=staff_user, reason=" "
        )


def test_extend_clock_of_a_breached_clock_runs_it_again_with_the_breach_on_record(case, staff_user):
    start_clock(case, code="complaint.respond", at=london(2027, 3, 19, 15))

    sweep(now=london(2027, 4, 7, 9))
    clock = extend_clock(
        case,
        code="complaint.respond",
        due_at=london(2027, 4, 30, 9),
        by=staff_user,
        reason="Complex",
    )
    assert (clock.state, clock.breached_at, clock.due_at) == (
        "running",
        end_of(2027, 4, 6),
        end_of(2027, 4, 30),
    )
    stopped = stop_clock(case, code="complaint.respond", at=london(2027, 4, 29, 9))
    assert (stopped.state, stopped.breached_at) == ("met", end_of(2027, 4, 6))


def test_extend_clock_past_due_before_any_sweep_keeps_the_breach(case, staff_user):
    start_clock(case, code="complaint.respond", at=london(2027, 3, 19, 15))
    with time_machine.travel(london(2027, 4, 7, 9), tick=False):
        clock = extend_clock(
            case,
            code="complaint.respond",
            due_at=london(2027, 4, 30, 9),
            by=staff_user,
            reason="Complex",
        )
    assert (clock.state, clock.breached_at, clock.due_at) == (
        "running",
        end_of(2027, 4, 6),
        end_of(2027, 4, 30),
    )
    assert [(n.kind, n.round) for n in clock.notices.all()] == [("breach", 0)]


# Rules and closure days -------------------------------------------------------------------


def test_update_service_level_reschedules_open_clocks_and_audits(case, case_pk, staff_user):
    running = start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    met = start_clock(case_pk, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    stop_clock(case_pk, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    rule = ServiceLevel.objects.get(code="complaint.acknowledge")
    update_service_level(rule, by=staff_user, limit_value=3)
    running.refresh_from_db()
    met.refresh_from_db()
    assert running.due_at == end_of(2026, 12, 31)
    assert met.due_at == end_of(2026, 12, 30)
    event = audit.history_of(rule).get(action="change")
    assert (event.actor, event.data) == (
        staff_user,
        {"from": {"limit_value": 2}, "to": {"limit_value": 3}, "clocks_moved": 1},
    )


def test_update_service_level_with_a_bad_limit_saves_nothing(staff_user):
    rule = ServiceLevel.objects.get(code="complaint.acknowledge")
    with pytest.raises(ValidationError, match="Give both a limit and its unit"):
        update_service_level(rule, by=staff_user, limit_unit="")
    rule.refresh_from_db()
    assert (rule.limit_value, rule.limit_unit) == (2, "working_days")


def test_add_closure_day_moves_clocks_that_span_it_and_removing_it_moves_them_back(
    case, staff_user
):
    clock = start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    closure = add_closure_day(day=dt.date(2026, 12, 29), reason="Office move", by=staff_user)
    clock.refresh_from_db()
    assert clock.due_at == end_of(2026, 12, 31)
    assert audit.history_of(closure).get().data == {"day": "2026-12-29", "clocks_moved": 1}
    remove_closure_day(closure, by=staff_user)
    clock.refresh_from_db()
    assert clock.due_at == end_of(2026, 12, 30)


def test_add_closure_day_outside_a_clocks_span_leaves_it_alone(case, staff_user):
    clock = start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    add_closure_day(day=dt.date(2027, 1, 6), reason="Training", by=staff_user)
    clock.refresh_from_db()
    assert clock.due_at == end_of(2026, 12, 30)


def test_add_closure_day_twice_is_refused(staff_user):
    add_closure_day(day=dt.date(2027, 1, 6), reason="Training", by=staff_user)
    with pytest.raises(ValidationError, match="already exists"):
        add_closure_day(day=dt.date(2027, 1, 6), reason="Again", by=staff_user)


# Charters ---------------------------------------------------------------------------------


def test_migration_loads_every_row_of_the_cambridge_charter():
    assert ServiceLevel.objects.filter(charter="cambridge", active=True).count() == 22
    acknowledge = ServiceLevel.objects.get(code="complaint.acknowledge")
    assert acknowledge.limit_description == "2 working days"


def test_load_charter_twice_changes_nothing():
    assert load_charter("cambridge") == {"created": 0, "updated": 0, "deactivated": 0}


def test_load_charter_cmi_replaces_the_rules_and_reschedules(case, capsys):
    clock = start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    call_command("load_charter", "cmi")
    assert capsys.readouterr().out == "Charter cmi: 5 created, 3 updated, 19 deactivated.\n"
    active = set(ServiceLevel.objects.filter(active=True).values_list("code", flat=True))
    assert active == {
        "query.answer", "callback", "complaint.acknowledge", "support.employer",
        "support.process", "certificates.despatch", "membership.process",
        "membership.renewal_reminder",
    }  # fmt: skip
    clock.refresh_from_db()
    assert clock.due_at == end_of(2026, 12, 31)
    assert ServiceLevel.objects.get(code="support.employer").limit_description == "same working day"


def test_load_charter_refreshes_a_rule_staff_changed(staff_user):
    rule = ServiceLevel.objects.get(code="query.answer")
    update_service_level(rule, by=staff_user, limit_value=9)
    assert load_charter("cambridge")["updated"] == 1
    rule.refresh_from_db()
    assert rule.limit_value == 2


def test_load_charter_unknown_preset_is_refused():
    with pytest.raises(PortalError, match="No charter preset 'ofqual'"):
        load_charter("ofqual")


def test_pause_clock_past_its_due_instant_is_refused(case):
    start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    with pytest.raises(TransitionNotAllowed, match="is breached; it cannot become paused"):
        pause_clock(case, code="complaint.acknowledge", at=london(2026, 12, 31, 9))
    # The sweep records the breach and sends its notice; the refused pause left nothing.
    assert Clock.objects.get().state == "running"


def test_update_service_level_with_an_unknown_role_saves_nothing(staff_user):
    rule = ServiceLevel.objects.get(code="complaint.acknowledge")
    with pytest.raises(ValidationError, match="Unknown roles: Janitor"):
        update_service_level(rule, by=staff_user, breach_roles=["Janitor"])
    rule.refresh_from_db()
    assert rule.breach_roles == ["Complaints investigator", "Customer services"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_start_clock_from_concurrent_requests_makes_one_clock(case):
    started, errors = run_at_once(
        lambda: start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE).pk
    )
    assert errors == []
    assert len(started) == 4 and len(set(started)) == 1
    assert Clock.objects.count() == 1


def test_add_closure_day_moves_a_same_working_day_clock_started_on_it(case, staff_user):
    load_charter("cmi")
    clock = start_clock(case, code="support.employer", at=london(2026, 6, 3, 10))
    add_closure_day(day=dt.date(2026, 6, 3), reason="Power cut", by=staff_user)
    clock.refresh_from_db()
    assert clock.due_at == end_of(2026, 6, 4)


def test_update_service_level_reschedules_a_paused_clock_too(case, staff_user):
    start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    pause_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    rule = ServiceLevel.objects.get(code="complaint.acknowledge")
    update_service_level(rule, by=staff_user, limit_value=3)
    clock = resume_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    assert (clock.state, clock.due_at) == ("running", end_of(2026, 12, 31))
    assert Clock.objects.get().due_at == end_of(2026, 12, 31)


def test_start_clock_for_a_promise_the_active_charter_does_not_make_answers_none(case):
    call_command("load_charter", "cmi")
    assert start_clock(case, code="complaint.respond", at=CHRISTMAS_EVE) is None
    assert not Clock.objects.exists()
