import pytest
import time_machine
from django.core import mail
from django.db import transaction

from portal.accounts import roles
from portal.celery import app as celery_app
from portal.notifications import Address, Officers, Role, UnknownKind, notify, register_kind
from portal.notifications import kinds as kind_registry
from portal.notifications.models import Email, EmailOptOut, Notification
from tests.notifications.test_recipients import staff_in
from tests.sla.conftest import london

pytestmark = pytest.mark.django_db

NOON = london(2026, 11, 23, 12)


@pytest.fixture
def complaint_kind(monkeypatch):
    # The registry is global: a kind a test registers goes when the test ends.
    monkeypatch.setattr(kind_registry, "_kinds", dict(kind_registry._kinds))
    register_kind("complaint", "Complaint")
    return "complaint"


def step(to, *, key="complaint:42:acknowledged", kind="complaint", **kwargs):
    return notify(
        key=key,
        kind=kind,
        to=to,
        subject=kwargs.pop("subject", "CMP-2026-000042: we have acknowledged your complaint"),
        body=kwargs.pop("body", "Read it at http://127.0.0.1:8000/complaints/CMP-2026-000042/"),
        reference="CMP-2026-000042",
        url="/complaints/CMP-2026-000042/",
        **kwargs,
    )


def test_notify_reaches_inbox_and_email_of_everyone_named(
    complaint_kind, send_on_commit, centre_gb, officer_gb, officer_pk
):
    investigator = staff_in(roles.COMPLAINTS_INVESTIGATOR, "ci")
    parent = Address("parent@example.org", name="A. Parent")

    with time_machine.travel(NOON, tick=False):
        added = send_on_commit(
            lambda: step([Officers(centre_gb), Role(roles.COMPLAINTS_INVESTIGATOR), parent])
        )

    # Two inbox notices and three emails.
    assert added == 5
    notices = Notification.objects.order_by("user_id")
    assert [(n.user_id, n.kind, n.created_at, n.emailed_at) for n in notices] == [
        (officer_gb.pk, "complaint", NOON, NOON),
        (investigator.pk, "complaint", NOON, NOON),
    ]
    assert notices[0].kind_label == "Complaint"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [officer_gb.email, investigator.email, '"A. Parent" <parent@example.org>']
    )
    assert set(Email.objects.values_list("state", flat=True)) == {"sent"}
    assert not Notification.objects.filter(user=officer_pk).exists()


def test_notify_twice_adds_nothing(complaint_kind, send_on_commit, centre_gb, officer_gb):
    to = [Officers(centre_gb), Address("parent@example.org")]
    assert send_on_commit(lambda: step(to)) == 3
    assert send_on_commit(lambda: step(to, subject="Said again")) == 0
    assert (Notification.objects.count(), Email.objects.count(), len(mail.outbox)) == (1, 2, 2)


def test_notify_another_event_reaches_the_same_people_again(
    complaint_kind, send_on_commit, officer_gb
):
    send_on_commit(lambda: step([officer_gb]))
    send_on_commit(lambda: step([officer_gb], key="complaint:42:answered"))
    assert (Notification.objects.count(), len(mail.outbox)) == (2, 2)


def test_notify_emails_only_the_kinds_each_person_chose(
    complaint_kind, send_on_commit, centre_gb, officer_gb
):
    colleague = staff_in(roles.CUSTOMER_SERVICES, "cs")
    EmailOptOut.objects.create(user=officer_gb, kind="complaint")
    EmailOptOut.objects.create(user=colleague, kind="breach")

    send_on_commit(lambda: step([officer_gb, colleague]))

    # The inbox always has the notice; the email goes only to who wants this kind by email.
    assert Notification.objects.count() == 2
    assert Notification.objects.get(user=officer_gb).emailed_at is None
    assert [m.to for m in mail.outbox] == [[colleague.email]]


def test_notify_person_without_an_email_address_gets_the_inbox_only(
    complaint_kind, send_on_commit, officer_gb
):
    officer_gb.email = ""
    officer_gb.save()
    assert send_on_commit(lambda: step([officer_gb])) == 1
    assert (Notification.objects.count(), Email.objects.count()) == (1, 0)


def test_notify_rolled_back_notifies_nobody(
    complaint_kind, django_capture_on_commit_callbacks, officer_gb
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        step([officer_gb, Address("parent@example.org")])
        raise RuntimeError("the step failed after notifying")
    assert (Notification.objects.count(), Email.objects.count()) == (0, 0)
    assert (callbacks, mail.outbox) == ([], [])


def test_notify_sends_email_only_after_the_commit(
    complaint_kind, django_capture_on_commit_callbacks, officer_gb
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        step([officer_gb])
    assert (Email.objects.get().state, mail.outbox) == ("pending", [])
    for callback in callbacks:
        callback()
    assert (Email.objects.get().state, len(mail.outbox)) == ("sent", 1)


@pytest.fixture
def broker_down(monkeypatch):
    """Celery really publishing, to a broker nobody answers (nothing listens on port 1)."""
    conf, amqp = celery_app.conf, celery_app.amqp
    kept = conf.broker_url, celery_app._pool, amqp._producer_pool
    # Celery reads the variable before its own setting.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    conf.task_always_eager, conf.broker_url = False, "redis://127.0.0.1:1/0"
    celery_app._pool = amqp._producer_pool = None
    yield
    conf.task_always_eager = True
    conf.broker_url, celery_app._pool, amqp._producer_pool = kept


def test_notify_with_the_broker_down_saves_everything_and_raises_nothing(
    complaint_kind, django_capture_on_commit_callbacks, officer_gb, broker_down, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        assert step([officer_gb]) == 2
    assert "Could not kick the email sender" in caplog.text
    assert (Email.objects.get().state, mail.outbox) == ("pending", [])


def test_notify_unknown_kind_raises_and_saves_nothing(officer_gb):
    with pytest.raises(UnknownKind):
        step([officer_gb], kind="gossip")
    assert Notification.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"key": ""}, "key"),
        ({"key": "x" * 121}, "key"),
        ({"subject": " \n "}, "subject"),
    ],
)
def test_notify_bad_arguments_raise_and_save_nothing(complaint_kind, officer_gb, change, message):
    with pytest.raises(ValueError, match=message):
        step([officer_gb], **change)
    assert (Notification.objects.count(), Email.objects.count()) == (0, 0)


def test_notify_keeps_the_subject_on_one_short_line(complaint_kind, send_on_commit, officer_gb):
    send_on_commit(
        lambda: step([officer_gb], subject="Line one\r\nBcc: x@example.org " + "y" * 300)
    )
    subject = Notification.objects.get().subject
    assert "\n" not in subject and len(subject) == 200 and subject.endswith("…")
    assert mail.outbox[0].subject == subject


def test_notify_nobody_adds_nothing(complaint_kind, centre_pk):
    assert step([Officers(centre_pk), Role("No such role")]) == 0


def test_register_kind_again_with_another_label_is_refused(complaint_kind):
    register_kind("complaint", "Complaint")
    with pytest.raises(ValueError, match="already registered"):
        register_kind("complaint", "Grumble")
    with pytest.raises(ValueError):
        register_kind("not a code!", "Label")
