import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.calendar import (
    LONDON,
    Unit,
    WorkingCalendar,
    add_months,
    end_of_day,
    london_date,
    working_calendar,
)
from portal.sla.services import add_closure_day, change_closure_day, remove_closure_day
from tests.sla.conftest import london

KARACHI = ZoneInfo("Asia/Karachi")
PLAIN = WorkingCalendar()

WORKED_EXAMPLES = [
    # SERVICE_LEVELS.md: (start in London, limit, unit, due date)
    (london(2026, 12, 24, 10), 2, Unit.WORKING_DAYS, dt.date(2026, 12, 30)),
    (london(2027, 3, 19, 15), 10, Unit.WORKING_DAYS, dt.date(2027, 4, 6)),
    (london(2026, 5, 22, 9), 2, Unit.WORKING_DAYS, dt.date(2026, 5, 27)),
    (london(2026, 8, 13, 8), 1, Unit.WEEKS, dt.date(2026, 8, 20)),
    (london(2026, 8, 13, 8), 30, Unit.DAYS, dt.date(2026, 9, 12)),
    (london(2026, 6, 1, 12), 5, Unit.DAYS, dt.date(2026, 6, 6)),
]


@pytest.mark.parametrize(("start", "value", "unit", "due"), WORKED_EXAMPLES)
def test_due_at_worked_examples_hold(start, value, unit, due):
    due_at = PLAIN.due_at(start, value=value, unit=unit)
    assert due_at == dt.datetime.combine(due, dt.time.max, tzinfo=LONDON)
    assert due_at.tzinfo == dt.UTC


def test_due_at_counts_from_monday_when_started_on_saturday():
    assert london_date(PLAIN.due_at(london(2026, 6, 6, 11), value=1, unit=Unit.WORKING_DAYS)) == (
        dt.date(2026, 6, 8)
    )


def test_due_at_never_counts_day_zero_even_on_a_working_day():
    assert london_date(PLAIN.due_at(london(2026, 6, 1, 0), value=1, unit=Unit.WORKING_DAYS)) == (
        dt.date(2026, 6, 2)
    )


def test_due_at_same_working_day_is_today_or_next_working_day():
    monday, saturday = london(2026, 6, 1, 16), london(2026, 6, 6, 16)
    assert london_date(PLAIN.due_at(monday, value=0, unit=Unit.WORKING_DAYS)) == dt.date(2026, 6, 1)
    assert london_date(PLAIN.due_at(saturday, value=0, unit=Unit.WORKING_DAYS)) == (
        dt.date(2026, 6, 8)
    )


def test_due_at_months_clamps_to_the_last_day_of_the_month():
    assert add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2027, 11, 30), 3) == dt.date(2028, 2, 29)
    start = london(2026, 8, 11, 6)
    assert london_date(PLAIN.due_at(start, value=2, unit=Unit.MONTHS)) == dt.date(2026, 10, 11)


def test_due_at_uses_the_london_date_of_a_utc_instant():
    # 23:30 UTC on 31 May is 00:30 on 1 June in London (BST): day 0 is 1 June.
    start = dt.datetime(2026, 5, 31, 23, 30, tzinfo=dt.UTC)
    assert london_date(PLAIN.due_at(start, value=1, unit=Unit.DAYS)) == dt.date(2026, 6, 2)


def test_due_at_skips_a_closure_day():
    closed = WorkingCalendar(closures=frozenset({dt.date(2026, 12, 29)}))
    due = closed.due_at(london(2026, 12, 24, 10), value=2, unit=Unit.WORKING_DAYS)
    assert london_date(due) == dt.date(2026, 12, 31)


def test_first_working_day_of_a_month_skips_the_new_year_holiday():
    assert PLAIN.first_working_day(2027, 1) == dt.date(2027, 1, 4)
    assert PLAIN.first_working_day(2026, 6) == dt.date(2026, 6, 1)


def test_paused_days_rounds_up_working_time_only():
    friday_afternoon, monday_morning = london(2026, 6, 5, 16), london(2026, 6, 8, 9)
    assert PLAIN.paused_days(friday_afternoon, monday_morning, unit=Unit.WORKING_DAYS) == 1
    saturday, sunday = london(2026, 6, 6, 9), london(2026, 6, 7, 18)
    assert PLAIN.paused_days(saturday, sunday, unit=Unit.WORKING_DAYS) == 0
    assert PLAIN.paused_days(saturday, sunday, unit=Unit.DAYS) == 2
    monday, wednesday = london(2026, 6, 1, 9), london(2026, 6, 3, 10)
    assert PLAIN.paused_days(monday, wednesday, unit=Unit.WORKING_DAYS) == 3
    assert PLAIN.paused_days(wednesday, monday, unit=Unit.WORKING_DAYS) == 0


def test_working_days_between_counts_after_start_up_to_end():
    assert PLAIN.working_days_between(dt.date(2026, 12, 24), dt.date(2026, 12, 30)) == 2
    assert PLAIN.working_days_between(dt.date(2026, 12, 30), dt.date(2026, 12, 24)) == -2


def test_next_office_hour_defers_to_the_recipients_morning():
    late_evening = london(2026, 6, 4, 23, 59)
    assert PLAIN.next_office_hour(late_evening, LONDON) == london(2026, 6, 5, 9)
    # 23:59 in London is 03:59 on Friday in Karachi: opens at 09:00 there, 05:00 in London.
    assert PLAIN.next_office_hour(late_evening, KARACHI) == london(2026, 6, 5, 5)


def test_next_office_hour_keeps_an_instant_inside_office_hours():
    assert PLAIN.next_office_hour(london(2026, 6, 4, 10), LONDON) == london(2026, 6, 4, 10)
    assert PLAIN.next_office_hour(london(2026, 6, 5, 17), LONDON) == london(2026, 6, 8, 9)


@pytest.mark.django_db
def test_working_calendar_sees_closure_days_as_staff_change_them(staff_user):
    assert working_calendar().is_working_day(dt.date(2026, 12, 29))
    closure = add_closure_day(day=dt.date(2026, 12, 29), reason="Office move", by=staff_user)
    assert not working_calendar().is_working_day(dt.date(2026, 12, 29))
    change_closure_day(closure, day=dt.date(2026, 12, 31), reason="Office move", by=staff_user)
    assert working_calendar().is_working_day(dt.date(2026, 12, 29))
    assert not working_calendar().is_working_day(dt.date(2026, 12, 31))
    remove_closure_day(closure, by=staff_user)
    assert working_calendar().is_working_day(dt.date(2026, 12, 31))


# Properties ------------------------------------------------------------------------------

# Hypothesis takes naive bounds and attaches the zone itself.
instants = st.datetimes(
    min_value=dt.datetime(2025, 1, 1),  # noqa: DTZ001
    max_value=dt.datetime(2029, 12, 31),  # noqa: DTZ001
    timezones=st.just(LONDON),
)
days = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2029, 12, 31))


@settings(max_examples=150, deadline=None)
@given(start=instants, count=st.integers(min_value=0, max_value=40))
def test_working_day_due_date_is_a_working_day(start, count):
    due = PLAIN.due_at(start, value=count, unit=Unit.WORKING_DAYS)
    assert PLAIN.is_working_day(london_date(due))
    assert london_date(due) > london_date(start) or count == 0


@settings(max_examples=150, deadline=None)
@given(
    day=days,
    first=st.integers(min_value=1, max_value=25),
    then=st.integers(min_value=0, max_value=25),
)
def test_adding_working_days_twice_equals_adding_their_sum(day, first, then):
    assert PLAIN.add_working_days(PLAIN.add_working_days(day, first), then) == (
        PLAIN.add_working_days(day, first + then)
    )


@settings(max_examples=150, deadline=None)
@given(
    day=days,
    hour=st.integers(min_value=0, max_value=23),
    value=st.integers(min_value=0, max_value=30),
    unit=st.sampled_from(list(Unit)),
)
def test_due_date_depends_on_the_london_day_only_across_clock_changes(day, hour, value, unit):
    # Any hour of the same London day, either side of a change to or from BST, gives the
    # same due instant, and it is always the last instant of a London day.
    midnight = dt.datetime.combine(day, dt.time.min, tzinfo=LONDON)
    at_hour = dt.datetime.combine(day, dt.time(hour, 30), tzinfo=LONDON)
    due = PLAIN.due_at(at_hour, value=value, unit=unit)
    assert due == PLAIN.due_at(midnight, value=value, unit=unit)
    assert due == end_of_day(london_date(due))
    assert due.astimezone(LONDON).time() == dt.time.max


@settings(max_examples=100, deadline=None)
@given(day=days, count=st.integers(min_value=1, max_value=30))
def test_subtracting_working_days_undoes_adding_them(day, count):
    start = PLAIN.add_working_days(day, 0)
    assert PLAIN.subtract_working_days(PLAIN.add_working_days(start, count), count) == start


@pytest.mark.django_db
def test_working_calendar_reads_closure_days_once_until_they_change(
    staff_user, django_assert_num_queries
):
    working_calendar()
    with django_assert_num_queries(0):
        working_calendar()
    add_closure_day(day=dt.date(2027, 1, 6), reason="Training", by=staff_user)
    with django_assert_num_queries(1):
        assert not working_calendar().is_working_day(dt.date(2027, 1, 6))
