import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import audit
from portal.calendar.models import ClosureDay
from portal.sla.models import Clock, ServiceLevel
from portal.sla.services import start_clock
from tests.factories import PASSWORD, StaffFactory
from tests.sla.conftest import london

pytestmark = pytest.mark.django_db

CHRISTMAS_EVE = london(2026, 12, 24, 10)


@pytest.fixture
def director_client(client):
    user = StaffFactory(username="director", is_superuser=True)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    client.post(reverse("accounts:login"), {"username": "director", "password": PASSWORD})
    client.post(reverse("accounts:verify"), {"otp_token": f"{totp.token():0{device.digits}d}"})
    client.user = user
    return client


def test_admin_clock_list_filters_overdue(director_client, case, case_pk):
    # Relative to the real time: a signed-in session does not survive a jump in time.
    start_clock(case, code="complaint.acknowledge", at=timezone.now() - dt.timedelta(days=9))
    start_clock(case_pk, code="complaint.respond", at=timezone.now())
    response = director_client.get("/admin/sla/clock/?due=overdue")
    assert response.status_code == 200
    assert [c.pk for c in response.context["cl"].result_list] == [
        Clock.objects.get(code="complaint.acknowledge").pk
    ]


def test_admin_clock_list_overdue_keeps_breached_clocks_not_yet_done(director_client, case):
    from portal.sla.sweeps import sweep

    start_clock(case, code="complaint.acknowledge", at=timezone.now() - dt.timedelta(days=9))
    sweep()
    assert Clock.objects.get().state == Clock.State.BREACHED
    response = director_client.get("/admin/sla/clock/?due=overdue")
    assert [c.code for c in response.context["cl"].result_list] == ["complaint.acknowledge"]


def test_admin_closure_day_added_moves_clocks_and_is_audited(director_client, case):
    clock = start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    response = director_client.post(
        "/admin/calendar/closureday/add/", {"day": "2026-12-29", "reason": "Office move"}
    )
    assert response.status_code == 302
    clock.refresh_from_db()
    assert clock.due_at.date() == dt.date(2026, 12, 31)
    closure = ClosureDay.objects.get()
    assert audit.history_of(closure).get().actor == director_client.user


def test_admin_service_level_change_reschedules_clocks(director_client, case):
    clock = start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    rule = ServiceLevel.objects.get(code="complaint.acknowledge")
    form = {
        field: getattr(rule, field)
        for field in ["code", "name", "case", "clock_starts", "clock_stops", "limit_unit",
                      "limit_text", "responsible", "source", "charter"]
    }  # fmt: skip
    form |= {"limit_value": 4, "reminders": "[24]", "breach_roles": '["Director"]', "active": "on"}
    response = director_client.post(f"/admin/sla/servicelevel/{rule.pk}/change/", form)
    assert response.status_code == 302
    clock.refresh_from_db()
    assert clock.due_at.date() == dt.date(2027, 1, 4)
    event = audit.history_of(rule).get(action="change")
    assert event.data["to"] == {"breach_roles": ["Director"], "limit_value": 4}


def test_staff_home_counts_overdue_deadlines(director_client, case):
    start_clock(case, code="complaint.acknowledge", at=timezone.now() - dt.timedelta(days=9))
    response = director_client.get("/")
    assert b"1 overdue, 0 due by the end of today" in response.content


def test_officer_home_lists_own_centres_deadlines(client, officer_gb, case, case_pk):
    start_clock(case, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    start_clock(case_pk, code="complaint.acknowledge", at=CHRISTMAS_EVE)
    with time_machine.travel(london(2026, 12, 24, 11), tick=True):
        client.force_login(officer_gb)
        content = client.get("/").content.decode()
    assert case.reference in content and case_pk.reference not in content
    assert "due in 2 working days" in content
