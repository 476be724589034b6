"""The monthly newsletter and the timetables mailing: each month's issue waits for staff as a
draft, goes out on the month's first working day (England and Wales, closure days too) to
every exams officer once, and the newsletter is measured against newsletter.monthly."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from centres.mailings import services
from centres.mailings.models import Kind, Mailing
from portal.accounts.roles import CUSTOMER_SERVICES, RESULTS_TEAM
from portal.calendar import LONDON, end_of_day
from portal.centres.models import Centre, Membership
from portal.notifications.models import Email, Notification
from portal.notifications.services import set_emailed_kinds
from portal.sla.models import Clock
from portal.sla.services import add_closure_day, load_charter
from portal.sla.sweeps import sweep
from tests.factories import CentreFactory, MembershipFactory, OfficerFactory, StaffFactory
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db

JANUARY = dt.date(2027, 1, 1)  # New Year's Day, a Friday and a bank holiday
FIRST_WORKING_DAY = dt.date(2027, 1, 4)  # Monday


def london(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _charter(charter):
    """The Cambridge charter promises the newsletter on the first working day."""


@pytest.fixture
def desk(db):
    return StaffFactory(username="desk", roles=[CUSTOMER_SERVICES])


def january_issue(*, ready=True) -> Mailing:
    services.prepare_months(now=london(dt.date(2026, 12, 28)))
    issue = Mailing.objects.get(kind=Kind.NEWSLETTER, month=JANUARY)
    if ready:
        issue.title, issue.body = "Exams newsletter, January 2027", "Entries open on 5 January."
        issue.status = Mailing.Status.READY
        issue.save()
    return issue


def newsletter_clock(issue: Mailing) -> Clock:
    return Clock.objects.get(code="newsletter.monthly", object_id=issue.pk)


def test_next_months_issue_waits_as_a_draft_with_its_deadline_a_week_ahead():
    started = services.prepare_months(now=london(dt.date(2026, 12, 28)))
    issue = Mailing.objects.get(kind=Kind.NEWSLETTER, month=JANUARY)
    assert (issue.status, issue.title) == ("draft", "Monthly newsletter, January 2027")
    # December's first working day is long gone: it is not measured after the fact.
    assert started == 1
    clock = newsletter_clock(issue)
    assert (clock.state, clock.due_at) == ("running", end_of_day(FIRST_WORKING_DAY))
    assert clock.reference == "Newsletter Jan 2027"
    # A second run starts nothing more.
    assert services.prepare_months(now=london(dt.date(2026, 12, 29))) == 0
    assert Clock.objects.filter(code="newsletter.monthly").count() == 1


def test_ready_issue_is_not_sent_before_the_first_working_day(officer_gb):
    january_issue()
    assert services.send_due_mailings(now=london(JANUARY, 10)) == 0  # a bank holiday
    assert services.send_due_mailings(now=london(dt.date(2027, 1, 3), 10)) == 0  # a Sunday
    # On the day, from the office's opening (9:00 London), not in the small hours.
    assert services.send_due_mailings(now=london(FIRST_WORKING_DAY, 8, 59)) == 0
    assert not Email.objects.exists()


def test_issue_goes_to_every_exams_officer_once_on_the_first_working_day(
    officer_gb, officer_pk, centre_gb
):
    head = OfficerFactory(username="head", membership__centre=centre_gb)
    Membership.objects.filter(user=head).update(role=Membership.Role.HEAD_OF_CENTRE)
    closed = CentreFactory(number="ZZ900", status=Centre.Status.CLOSED)
    OfficerFactory(username="gone", membership__centre=closed)
    issue = january_issue()

    assert services.send_due_mailings(now=london(FIRST_WORKING_DAY, 9, 5)) == 1

    emails = Email.objects.filter(kind="newsletter").order_by("address")
    assert [e.address for e in emails] == [officer_gb.email, officer_pk.email]
    assert {e.subject for e in emails} == {"Exams newsletter, January 2027"}
    assert all(e.body.startswith("Entries open on 5 January.") for e in emails)
    issue.refresh_from_db()
    assert (issue.status, issue.recipients) == ("sent", 2)
    assert newsletter_clock(issue).state == "met"
    # Every later run that day, and after, sends nothing again.
    assert services.send_due_mailings(now=london(FIRST_WORKING_DAY, 10)) == 0
    assert services.send_mailing(issue, now=london(FIRST_WORKING_DAY, 11)) is False
    assert Email.objects.filter(kind="newsletter").count() == 2


def test_officer_who_turned_the_newsletter_off_is_not_emailed(officer_gb, officer_pk):
    set_emailed_kinds(officer_gb, kinds=["reminder", "timetables"])
    january_issue()
    services.send_due_mailings(now=london(FIRST_WORKING_DAY))
    assert list(Email.objects.filter(kind="newsletter").values_list("address", flat=True)) == [
        officer_pk.email
    ]
    # The inbox keeps it, as it keeps every notice.
    assert Notification.objects.filter(user=officer_gb, kind="newsletter").count() == 1


def test_issue_not_ready_on_the_day_is_missed_and_the_team_is_told(officer_gb, desk):
    issue = january_issue(ready=False)
    with time_machine.travel(london(dt.date(2027, 1, 5), 0, 30), tick=False):
        sweep()
    clock = newsletter_clock(issue)
    assert clock.state == "breached"
    assert Notification.objects.filter(user=desk, kind="breach", reference=clock.reference)

    issue.body, issue.status = "Late, but here.", Mailing.Status.READY
    issue.save()
    assert services.send_due_mailings(now=london(dt.date(2027, 1, 6))) == 1
    clock.refresh_from_db()
    assert (clock.state, clock.stopped_at) == ("breached", london(dt.date(2027, 1, 6)))


def test_a_closure_day_moves_the_first_working_day(officer_gb):
    add_closure_day(day=dt.date(2027, 2, 1), reason="Office move", by=None)
    services.prepare_months(now=london(dt.date(2027, 1, 28)))
    issue = Mailing.objects.get(kind=Kind.NEWSLETTER, month=dt.date(2027, 2, 1))
    assert newsletter_clock(issue).due_at == end_of_day(dt.date(2027, 2, 2))
    issue.body, issue.status = "February.", Mailing.Status.READY
    issue.save()
    assert services.send_due_mailings(now=london(dt.date(2027, 2, 1))) == 0
    assert services.send_due_mailings(now=london(dt.date(2027, 2, 2))) == 1
    assert newsletter_clock(issue).state == "met"


def test_timetables_go_out_in_march_and_october_without_a_charter_clock(officer_gb):
    services.prepare_months(now=london(dt.date(2027, 2, 25)))
    timetables = Mailing.objects.get(kind=Kind.TIMETABLES)
    assert timetables.month == dt.date(2027, 3, 1)
    assert not Clock.objects.filter(object_id=timetables.pk, content_type__model="mailing")
    timetables.body, timetables.status = "The June timetable and entry guide.", "ready"
    timetables.save()
    assert services.send_due_mailings(now=london(dt.date(2027, 3, 1))) >= 1
    assert Email.objects.filter(kind="timetables", address=officer_gb.email).exists()

    april = Mailing(kind=Kind.TIMETABLES, month=dt.date(2027, 4, 1), title="x", body="y")
    with pytest.raises(ValidationError, match="March, October"):
        april.full_clean()


def test_issue_marked_ready_without_a_body_is_refused():
    issue = Mailing(kind=Kind.NEWSLETTER, month=dt.date(2027, 5, 9), title="May", status="ready")
    with pytest.raises(ValidationError, match="Write the issue"):
        issue.full_clean()
    issue.status = "draft"
    issue.full_clean()
    assert issue.month == dt.date(2027, 5, 1)


def test_a_charter_without_the_promise_starts_no_clock():
    load_charter("cmi")
    assert services.prepare_months(now=london(dt.date(2026, 12, 28))) == 0
    assert Mailing.objects.filter(kind=Kind.NEWSLETTER, month=JANUARY).exists()
    assert not Clock.objects.filter(code="newsletter.monthly").exists()


def test_the_beat_runs_the_mailings(settings, officer_gb):
    entry = settings.CELERY_BEAT_SCHEDULE["mailings-send-due"]
    assert entry["task"] == "mailings.send_due"
    assert entry["options"]["expires"] <= entry["schedule"]
    january_issue()
    from centres.mailings.tasks import send_due

    with time_machine.travel(london(FIRST_WORKING_DAY, 9), tick=False):
        assert send_due() == {"clocks_started": 0, "sent": 1}


def test_only_customer_services_write_the_newsletter_in_the_admin(client, desk):
    january_issue(ready=False)
    results = StaffFactory(username="results", roles=[RESULTS_TEAM])
    assert sign_in(client, results).get("/admin/mailings/mailing/").status_code == 403
    client.logout()
    staff = sign_in(client, desk)
    assert staff.get("/admin/mailings/mailing/").status_code == 200
    issue = Mailing.objects.get(kind=Kind.NEWSLETTER, month=JANUARY)
    response = staff.post(
        f"/admin/mailings/mailing/{issue.pk}/change/",
        {
            "kind": "newsletter",
            "month": "2027-01-01",
            "title": "Exams newsletter",
            "body": "Written.",
            "status": "ready",
        },
    )
    assert response.status_code == 302, response.content
    issue.refresh_from_db()
    assert (issue.status, issue.body) == ("ready", "Written.")


def test_a_sent_issue_cannot_be_changed_in_the_admin(client, desk, officer_gb):
    issue = january_issue()
    services.send_due_mailings(now=london(FIRST_WORKING_DAY))
    staff = sign_in(client, desk)
    response = staff.post(
        f"/admin/mailings/mailing/{issue.pk}/change/",
        {"kind": "newsletter", "month": "2027-01-01", "title": "Changed", "body": "x"},
    )
    assert response.status_code == 403
    issue.refresh_from_db()
    assert issue.title == "Exams newsletter, January 2027"


def test_membership_factory_head_is_not_an_exams_officer(centre_gb):
    head = MembershipFactory(centre=centre_gb, role=Membership.Role.HEAD_OF_CENTRE).user
    assert head not in list(services.exams_officers())
