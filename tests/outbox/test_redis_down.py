"""The portal with its Redis stopped for real: it answers, and what it queued follows later."""

import logging
import socket
import time

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from complaints.models import Complaint
from portal.celery import app as celery_app
from portal.core.models import Heartbeat
from portal.notifications.models import Email
from portal.outbox import services
from portal.outbox.models import QueuedTask
from tests.complaints.conftest import SERVICE
from tests.complaints.test_public import _form as public_form
from tests.factories import PASSWORD
from tests.outbox.conftest import say, wait_for
from tests.signing_in import api_as, sign_in

PUBLIC = public_form()


@pytest.mark.django_db
def test_pages_answer_normally_with_redis_down(on_redis, charter, client, officer_gb, settings):
    settings.COMPLAINT_PUBLIC_LIMIT_PER_HOUR = 1
    on_redis.stop()
    home = sign_in(client, officer_gb).get("/")
    anonymous = APIClient()
    token = anonymous.post(
        "/api/v1/auth/token/", {"username": "officer1", "password": PASSWORD}, format="json"
    )
    form = anonymous.get("/complaints/public/")
    # While the cache is down the per-hour limit cannot count: both submissions are taken.
    sent = [anonymous.post("/complaints/public/", PUBLIC).status_code for _ in range(2)]
    assert (home.status_code, token.status_code, form.status_code, sent) == (
        200, 200, 200, [302, 302],
    )  # fmt: skip
    assert "token" in token.json()
    assert Complaint.objects.count() == 2


@pytest.mark.django_db
def test_readyz_names_the_broker_and_cache_down_with_503(on_redis, client):
    Heartbeat.record("beat")
    on_redis.stop()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert {name: check["ok"] for name, check in response.json()["checks"].items()} == {
        "database": True,
        "broker": False,
        "cache": False,
        "storage": True,
        "clamd": True,
        "smtp": True,
        "beat": True,
    }


@pytest.mark.django_db
def test_readyz_with_redis_up_answers_200(on_redis, client):
    Heartbeat.record("beat")
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_complaint_with_redis_down_is_saved_once_and_mailed_once_redis_returns(
    on_redis, worker, charter, officer_gb, staff_user, mailoutbox
):
    on_redis.stop()
    submitted = api_as(officer_gb).post("/api/v1/complaints/", SERVICE, format="json")
    assert submitted.status_code == 201, submitted.json()
    reference = submitted.json()["reference"]
    acknowledged = api_as(staff_user).post(f"/api/v1/complaints/{reference}/acknowledge/")
    assert acknowledged.status_code == 200, acknowledged.json()
    # The receipt, customer services' notice of a new complaint and the acknowledgement
    # wait as rows of their own steps' transactions.
    waiting = Email.objects.filter(state=Email.State.PENDING)
    assert (Complaint.objects.count(), waiting.count(), mailoutbox) == (1, 3, [])

    on_redis.start()
    # The beat's entry drains what the kicks after each commit could not hand over.
    with worker():
        # A connection of its own: the app's producer pool may still point at the Redis
        # of an earlier test.
        with celery_app.connection_for_write() as connection:
            celery_app.send_task("portal.notifications.send_emails", connection=connection)
        wait_for(lambda: not Email.objects.exclude(state=Email.State.SENT).exists())
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        ["officer1@example.org"] * 2 + [staff_user.email]
    )
    assert all(reference in m.subject for m in mailoutbox)
    assert Email.objects.filter(state=Email.State.SENT).count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_row_published_twice_runs_once_on_a_real_worker(on_redis, worker, mailoutbox):
    # Outside a transaction the publish after commit happens at once: that is the first.
    row = services.enqueue(say, to="a@example.org", subject="Twice")
    assert services.publish(row.pk)
    last = services.enqueue(say, to="a@example.org", subject="After")
    with worker():
        # One worker takes messages in order: once the last has run, both copies were seen.
        wait_for(lambda: QueuedTask.objects.get(pk=last.pk).ran_at is not None)
    row.refresh_from_db()
    assert (row.attempts, [m.subject for m in mailoutbox]) == (1, ["Twice", "After"])


@pytest.mark.django_db
def test_cache_with_redis_down_answers_misses_and_says_so_once(on_redis, caplog):
    cache.set("kept", "value")
    on_redis.stop()
    with caplog.at_level(logging.WARNING, logger="portal.cache"):
        answers = [
            cache.get("kept"),
            cache.get("kept", "default"),
            cache.add("new", 1),
            cache.get_or_set("computed", lambda: "fresh"),
            cache.get_many(["kept"]),
            cache.set_many({"a": 1, "b": 2}),
            cache.has_key("kept"),
            cache.delete("kept"),
        ]
        cache.set("ignored", 1)
        with pytest.raises(ValueError, match="not found"):
            cache.incr("counter")
    assert answers == [None, "default", False, "fresh", {}, ["a", "b"], False, False]
    assert caplog.text.count("The cache unreachable") == 1
    assert "The cache still unreachable" not in caplog.text

    on_redis.start()
    with caplog.at_level(logging.WARNING, logger="portal.cache"):
        cache.set("kept", "again")
        assert cache.get("kept") == "again"
    assert "The cache reachable again" in caplog.text


@pytest.mark.django_db
def test_cache_that_never_answers_holds_a_request_up_once_and_briefly(settings, caplog):
    with socket.socket() as silent:
        # Listens but never answers: a Redis hung, or a firewall that drops packets.
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        settings.CACHES = {
            "default": {
                "BACKEND": "portal.cache.ForgivingRedisCache",
                "LOCATION": f"redis://127.0.0.1:{silent.getsockname()[1]}/0",
                "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
            }
        }
        started = time.monotonic()
        first = cache.get("key", "missed")
        first_took = time.monotonic() - started
        started = time.monotonic()
        second = cache.get("key", "missed")
        second_took = time.monotonic() - started
    assert (first, second) == ("missed", "missed")
    assert first_took < 1.5 and second_took < 0.05
