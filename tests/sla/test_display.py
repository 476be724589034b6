import pytest
import time_machine
from django.template import Context, Template
from rest_framework import serializers

from portal.sla.models import Clock
from portal.sla.serializers import DeadlinesMixin
from portal.sla.services import cancel_clocks, pause_clock, start_clock, stop_clock
from portal.sla.sweeps import sweep
from portal.sla.templatetags.sla import plain_words
from tests.sla.cases import EntryCase
from tests.sla.conftest import LONDON, london

pytestmark = pytest.mark.django_db


class CaseSerializer(DeadlinesMixin, serializers.ModelSerializer):
    class Meta:
        model = EntryCase
        fields = ["id", "deadlines"]


def test_deadlines_field_lists_each_clock_in_utc(case):
    start_clock(case, code="ear.acknowledge", at=london(2026, 8, 13, 8))
    start_clock(case, code="ear.outcome", at=london(2026, 8, 13, 8))
    stop_clock(case, code="ear.acknowledge", at=london(2026, 8, 14, 11))
    assert CaseSerializer(case).data["deadlines"] == [
        {
            "code": "ear.acknowledge",
            "due_at": "2026-08-20T22:59:59.999999Z",
            "state": "met",
            "stopped_at": "2026-08-14T10:00:00Z",
        },
        {
            "code": "ear.outcome",
            "due_at": "2026-09-12T22:59:59.999999Z",
            "state": "running",
            "stopped_at": None,
        },
    ]


def test_deadlines_field_of_a_case_without_clocks_is_empty(case):
    assert CaseSerializer(case).data["deadlines"] == []


def words(case, now, zone=LONDON) -> str:
    return plain_words(Clock.objects.for_case(case).get(), now=now, zone=zone)


def test_plain_words_count_working_days_for_a_working_day_rule(case):
    start_clock(case, code="complaint.acknowledge", at=london(2026, 12, 24, 10))
    assert words(case, london(2026, 12, 24, 11)) == "due in 2 working days"
    assert words(case, london(2026, 12, 29, 11)) == "due in 1 working day"
    assert words(case, london(2026, 12, 30, 11)) == "due today"
    assert words(case, london(2026, 12, 31, 11)) == "overdue by 1 day"


def test_plain_words_count_days_for_a_calendar_rule(case):
    start_clock(case, code="ear.outcome", at=london(2026, 8, 13, 8))
    assert words(case, london(2026, 9, 10, 8)) == "due in 2 days"


def test_plain_words_of_a_stopped_clock(case):
    start_clock(case, code="complaint.acknowledge", at=london(2026, 6, 1, 10))
    stop_clock(case, code="complaint.acknowledge", at=london(2026, 6, 3, 15))
    assert words(case, london(2026, 6, 9, 9)) == "met on 3 June"


def test_plain_words_of_a_late_clock(case):
    start_clock(case, code="complaint.acknowledge", at=london(2026, 6, 1, 10))
    sweep(now=london(2026, 6, 4, 9))
    assert words(case, london(2026, 6, 5, 9)) == "overdue by 2 days"
    stop_clock(case, code="complaint.acknowledge", at=london(2026, 6, 5, 9))
    assert words(case, london(2026, 6, 9, 9)) == "done on 5 June, 2 days late"


def test_plain_words_of_paused_and_cancelled_clocks(case, case_pk):
    start_clock(case, code="complaint.acknowledge", at=london(2026, 6, 1, 10))
    pause_clock(case, code="complaint.acknowledge", at=london(2026, 6, 1, 11))
    assert words(case, london(2026, 6, 1, 12)) == "paused"
    start_clock(case_pk, code="complaint.acknowledge", at=london(2026, 6, 1, 10))
    cancel_clocks(case_pk, at=london(2026, 6, 1, 11))
    assert words(case_pk, london(2026, 6, 1, 12)) == "cancelled"


def render(case, user) -> str:
    template = Template("{% load sla %}{% deadlines case %}")
    return template.render(Context({"case": case, "user": user}))


def test_deadlines_tag_shows_an_officer_the_centres_time_zone(case_pk, officer_pk):
    start_clock(case_pk, code="complaint.acknowledge", at=london(2026, 12, 24, 10))
    with time_machine.travel(london(2026, 12, 24, 11), tick=False):
        html = render(case_pk, officer_pk)
    assert "Acknowledge a complaint" in html
    # The end of a London day reads as that day's end, not as 04:59 the next day there.
    assert "end of Wed 30 Dec 2026 (UK time)" in html and "Asia/Karachi" in html
    assert "04:59" not in html
    assert "due in 2 working days" in html


def test_deadlines_tag_shows_staff_london_time(case_pk, staff_user):
    start_clock(case_pk, code="complaint.acknowledge", at=london(2026, 12, 24, 10))
    with time_machine.travel(london(2026, 12, 24, 11), tick=False):
        html = render(case_pk, staff_user)
    assert "Wed 30 Dec 2026, 23:59" in html and "Europe/London" in html


def test_deadlines_tag_without_clocks_says_so(case, officer_gb):
    assert "No deadlines." in render(case, officer_gb)


def test_clock_visible_to_an_officer_only_for_their_centre(case, case_pk, officer_gb, staff_user):
    start_clock(case, code="complaint.acknowledge", at=london(2026, 6, 1, 10))
    start_clock(case_pk, code="complaint.acknowledge", at=london(2026, 6, 1, 10))
    assert [c.centre for c in Clock.objects.visible_to(officer_gb)] == [case.centre]
    assert Clock.objects.visible_to(staff_user).count() == 2
