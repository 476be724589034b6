import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from complaints.demo_history import HISTORY
from complaints.models import Complaint, Kind, Message
from portal.calendar import LONDON, add_months, london_date
from portal.core.models import AuditEvent
from portal.notifications.models import Notification
from portal.sla import dashboard
from portal.sla.models import Clock

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 23, 14, 0, tzinfo=LONDON)
# The module's demo (seeded_demo) is made at TODAY.
DEMO_AT = TODAY


def _counts():
    return (
        Complaint.objects.count(),
        Message.objects.count(),
        Clock.objects.count(),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


def _months(now):
    this_month = london_date(now).replace(day=1)
    return [add_months(this_month, -back) for back in range(6, 0, -1)]


def test_seed_demo_history_twice_creates_each_case_once(seeded_demo, settings):
    settings.DEBUG = True
    first = _counts()
    with time_machine.travel(TODAY, tick=False):
        call_command("seed_demo")
    assert _counts() == first
    subjects = [past.subject for past in HISTORY]
    assert Complaint.objects.filter(subject__in=subjects).count() == len(HISTORY)


def test_seed_demo_history_fills_each_of_the_last_six_months(seeded_demo):
    _fills_each_of_the_last_six_months(DEMO_AT)


@pytest.mark.parametrize(
    "now",
    [
        dt.datetime(2027, 1, 1, 0, 30, tzinfo=LONDON),
        dt.datetime(2027, 4, 1, 9, 0, tzinfo=LONDON),
        dt.datetime(2027, 9, 30, 23, 30, tzinfo=LONDON),
    ],
)
def test_seed_demo_history_made_on_other_days_fills_the_six_months_before(settings, now):
    settings.DEBUG = True
    with time_machine.travel(now, tick=False):
        call_command("seed_demo")
    _fills_each_of_the_last_six_months(now)


def _fills_each_of_the_last_six_months(now):
    months = _months(now)
    rows = dashboard.summary(dashboard.Filters(months[0], months[-1]), now=now)
    bars = dashboard.chart(rows, months)
    assert [bar.month for bar in bars] == months
    assert all(bar.met for bar in bars)
    last = bars[-1]
    assert last.met >= 1 and last.breached >= 1
    history = Complaint.objects.filter(subject__in=[past.subject for past in HISTORY])
    assert history.filter(created_at__gte=now).count() == 0
    assert {london_date(case.created_at).weekday() for case in history} <= {0, 1, 2, 3, 4}


def test_seed_demo_history_goes_through_the_procedure(seeded_demo):
    history = Complaint.objects.filter(subject__in=[past.subject for past in HISTORY])
    closed = history.get(status=Complaint.Status.CLOSED)
    assert closed.decided_by.username == "staff" and closed.director_decision
    assert history.filter(kind=Kind.DISSATISFACTION).exclude(root_cause="").count() == 2
    assert AuditEvent.objects.filter(action="extend", at__lt=TODAY).count() == 1
    # Breaches of the past were recorded by the sweep, at the time it ran.
    assert Clock.objects.filter(breached_at__isnull=False, stopped_at__lt=TODAY).count() == 3
    # Staff hold every role: customer services hear of each new complaint, the Director's
    # share is the escalation of the past. (The registration team's notices of the demo
    # applications are not complaints'.)
    assert set(
        Notification.objects.filter(
            user__username="staff", reference__startswith="CMP-"
        ).values_list("kind", flat=True)
    ) == {"received", "breach", "reminder", "escalated"}
    assert (
        not Notification.objects.filter(
            created_at__gte=TODAY, reference__in=history.values("reference")
        )
        .exclude(kind__in=["breach", "reminder"])
        .exists()
    )
    assert not Message.objects.filter(complaint__in=history, created_at__gte=TODAY).exists()


def test_public_page_shows_last_months_complaint_acknowledgement(seeded_demo, client):
    with time_machine.travel(TODAY, tick=False):
        response = client.get(reverse("sla:charter"))
    standing = {item.rule.code: item for item in response.context["standing"]}
    figures = standing["complaint.acknowledge"].figures
    assert figures.on_time_percent == 100
    assert f"<strong>{figures.on_time_percent}%</strong> met on time" in response.content.decode()
