"""The learners' results-day read: a session remembered since sign-in and a page kept since
the release answer from one round trip to Redis, with exactly the long way's bytes and
headers; never a result before the instant, never after the session or the access ended,
never a page older than the last change."""

import datetime as dt
import time

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portal.outbox.models import QueuedTask
from portal.outbox.services import run_queued_task
from results import queries, release
from results import services as results
from results.learners import remembered
from results.learners import services as learners
from results.learners.models import LearnerAccount
from tests.factories import PASSWORD, UserFactory
from tests.results.conftest import AFTER, BEFORE
from tests.results.learners.conftest import UCI

pytestmark = [pytest.mark.django_db, pytest.mark.redis]
URL = "/api/v1/learner/results/"
# What differs between any two answers, whichever way they took.
OWN_TO_EACH_ANSWER = {"X-Request-ID", "Date"}


def _learner(centre, uci=UCI):
    user = UserFactory(username=f"learner-{uci.lower()}")
    LearnerAccount.objects.create(user=user, centre=centre, uci=uci, email="l@example.org")
    return user


@pytest.fixture
def learner(centre_gb, results_gb):
    return _learner(centre_gb)


def _signed_in(user, **headers) -> Client:
    """A browser the learner signed in with a minute before the instant (sign-in remembers
    the session)."""
    client = Client(**headers)
    with time_machine.travel(BEFORE - dt.timedelta(minutes=1), tick=False):
        client.force_login(user)
    return client


def _get(client, url=URL, **headers):
    with CaptureQueriesContext(connection) as seen:
        response = client.get(url, **headers)
    return response, len(seen)


def _grades(response) -> list:
    assert response.status_code == 200, response.content
    return sorted((r["syllabus_code"], r["grade"]) for r in response.json()["results"])


def test_the_second_read_takes_no_query_and_answers_the_same_bytes_and_headers(learner):
    browser = _signed_in(learner)
    with time_machine.travel(AFTER, tick=False):
        long_way, long_queries = _get(browser)
        short_way, short_queries = _get(browser)

    assert long_queries > 0 and short_queries == 0
    assert short_way.content == long_way.content
    assert _grades(short_way) == [("0580", "A"), ("0610", "B")]
    headers = {name for name in long_way.headers if name not in OWN_TO_EACH_ANSWER}
    assert headers == {name for name in short_way.headers if name not in OWN_TO_EACH_ANSWER}
    for name in headers:
        assert short_way.headers[name] == long_way.headers[name], name
    assert long_way.headers["Cache-Control"] == "private, no-store"
    assert "Cookie" in long_way.headers["Vary"]


def test_the_learners_language_is_named_as_the_long_way_names_it(learner):
    browser = _signed_in(learner)
    browser.cookies["django_language"] = "ar"
    with time_machine.travel(AFTER, tick=False):
        long_way, _ = _get(browser)
        short_way, queries_taken = _get(browser)
    assert queries_taken == 0
    assert short_way.headers["Content-Language"] == long_way.headers["Content-Language"] == "ar"


def test_nothing_before_the_instant_though_a_page_was_kept_a_second_earlier(learner):
    browser = _signed_in(learner)
    with time_machine.travel(BEFORE, tick=False):
        before, _ = _get(browser)
        kept, kept_queries = _get(browser)
    with time_machine.travel(AFTER, tick=False):
        after, _ = _get(browser)

    assert before.json()["results"] == [] and kept.json()["results"] == []
    assert kept_queries == 0  # the empty page was kept: it holds no result
    assert _grades(after) == [("0580", "A"), ("0610", "B")]


def test_the_release_sweep_builds_every_learners_page_as_the_long_way_answers_it(
    learner, centre_gb
):
    other = _learner(centre_gb, "GB001270002B")
    browser, other_browser = _signed_in(learner), _signed_in(other)
    with time_machine.travel(AFTER, tick=False):
        release.send_release_notices()
        queued = QueuedTask.objects.filter(task="learners.build_pages")
        assert [task.kwargs for task in queued] == [{"centre_ids": [centre_gb.pk]}]
        assert run_queued_task(queued.get().pk) == "ran"  # as a worker does
        first, first_queries = _get(browser)
        others, other_queries = _get(other_browser)
        long_way, long_queries = _get(browser, HTTP_ACCEPT="application/json; indent=0")
        paged = _get(browser, f"{URL}?page=1")[0]

    assert first_queries == 0 and other_queries == 0 and long_queries > 0
    assert first.json() == long_way.json()
    assert first.content == paged.content
    assert _grades(others) == [("0580", "C")]


def test_a_correction_shows_on_the_next_read(learner, results_gb, staff_user):
    browser = _signed_in(learner)
    with time_machine.travel(AFTER, tick=False):
        _get(browser)
        assert _get(browser)[1] == 0
        results.change_grade(results_gb[0], grade="B", by=staff_user, reason="Marking error")
        corrected, corrected_queries = _get(browser)

    assert corrected_queries > 0
    assert _grades(corrected) == [("0580", "B"), ("0610", "B")]


def test_a_qa_hold_withholds_on_the_next_read(learner, results_gb, centre_gb, series):
    browser = _signed_in(learner)
    with time_machine.travel(AFTER, tick=False):
        _get(browser)
        results.hold_results(centre=centre_gb, series=series, syllabus=results_gb[1].syllabus)
        held, _ = _get(browser)

    assert _grades(held) == [("0580", "A"), ("0610", None)]


def test_signing_out_ends_the_short_way_at_once(learner):
    browser = _signed_in(learner)
    session_key = browser.cookies["sessionid"].value
    with time_machine.travel(AFTER, tick=False):
        _get(browser)
        assert _get(browser)[1] == 0
        browser.post("/accounts/logout/")
        stolen = Client()
        stolen.cookies["sessionid"] = session_key
        after, _ = _get(stolen)

    assert after.status_code in (401, 403)


def test_withdrawn_access_is_refused_at_once(learner, officer_gb):
    browser = _signed_in(learner)
    with time_machine.travel(AFTER, tick=False):
        _get(browser)
        assert _get(browser)[1] == 0
        learners.withdraw_access(learner.learner_account, by=officer_gb)
        after, _ = _get(browser)

    assert after.status_code in (401, 403)


def test_a_password_changed_elsewhere_ends_this_session(learner):
    browser = _signed_in(learner)
    with time_machine.travel(AFTER, tick=False):
        _get(browser)
        assert _get(browser)[1] == 0
        learner.set_password("a-new-long-passphrase")
        learner.save()
        after, _ = _get(browser)

    assert after.status_code in (401, 403)


def test_each_learner_reads_only_their_own(learner, centre_gb):
    other = _learner(centre_gb, "GB001270002B")
    browsers = {learner: _signed_in(learner), other: _signed_in(other)}
    with time_machine.travel(AFTER, tick=False):
        for _ in range(2):
            mine, _ = _get(browsers[learner])
            theirs, taken = _get(browsers[other])
    assert taken == 0
    assert _grades(mine) == [("0580", "A"), ("0610", "B")]
    assert _grades(theirs) == [("0580", "C")]


def test_a_check_begun_before_a_change_cannot_remember_the_session_after_it(learner):
    browser = _signed_in(learner)
    session_key = browser.cookies["sessionid"].value
    account = learner.learner_account
    with time_machine.travel(AFTER, tick=False):
        _get(browser)  # the page kept
        begun = time.time() - 0.5
        remembered.forget_people([learner.pk])  # e.g. the password changed meanwhile
        remembered.remember(
            remembered.Session.of(session_key, account, expires=time.time() + 3600),
            checked=begun,
        )
        assert remembered.read(session_key, now=time.time()) is None


def test_a_session_remembered_without_its_persons_stamp_counts_for_nothing(learner):
    browser = _signed_in(learner)
    session_key = browser.cookies["sessionid"].value
    with time_machine.travel(AFTER, tick=False):
        _get(browser)
        assert remembered.read(session_key, now=time.time()) is not None
        client = remembered._client()
        client.delete(remembered._person_key(learner.pk))  # e.g. evicted
        assert remembered.read(session_key, now=time.time()) is None
        again, taken = _get(browser)
        assert taken > 0 and again.status_code == 200  # the long way, which stamps anew
    with time_machine.travel(AFTER + dt.timedelta(seconds=5), tick=False):
        assert _get(browser)[1] > 0  # remembered now, checked after the new stamp
        assert _get(browser)[1] == 0


def test_a_page_kept_under_an_older_centre_generation_is_not_served(learner, centre_gb):
    browser = _signed_in(learner)
    session_key = browser.cookies["sessionid"].value
    with time_machine.travel(AFTER, tick=False):
        _get(browser)
        assert remembered.read(session_key, now=time.time()) is not None
        queries.forget_centre(centre_gb.pk)
        assert remembered.read(session_key, now=time.time()) is None


def test_a_release_date_moved_builds_every_page_again(learner, series):
    browser = _signed_in(learner)
    session_key = browser.cookies["sessionid"].value
    with time_machine.travel(AFTER, tick=False):
        _get(browser)
        assert remembered.read(session_key, now=time.time()) is not None
        series.save()
        assert remembered.read(session_key, now=time.time()) is None


def test_anything_but_a_plain_read_takes_the_long_way(learner):
    browser = _signed_in(learner)
    with time_machine.travel(AFTER, tick=False):
        _get(browser)
        assert _get(browser)[1] == 0
        for url, headers in (
            (f"{URL}?page_size=1", {}),
            (URL, {"HTTP_ACCEPT": "application/json; indent=4"}),
            (URL, {"HTTP_AUTHORIZATION": "Token nonsense"}),
        ):
            response, taken = _get(browser, url, **headers)
            assert taken > 0, (url, headers)
        paged = _get(browser, f"{URL}?page_size=1")[0].json()
    assert paged["count"] == 2 and paged["next"]


def test_a_session_cookie_that_is_not_a_session_key_takes_the_long_way(learner):
    stranger = Client()
    stranger.cookies["sessionid"] = "x" * 31 + "\x00"
    with time_machine.travel(AFTER, tick=False):
        response, _ = _get(stranger)
    assert response.status_code == 400  # refused by the guards, as any hostile header is


def test_with_redis_away_the_long_way_answers(learner, settings):
    browser = _signed_in(learner)
    with time_machine.travel(AFTER, tick=False):
        _get(browser)
        from django.core.cache import cache

        cache.outage.failed(ConnectionError("Redis went away"))
        try:
            response, taken = _get(browser)
        finally:
            cache.outage.succeeded()
    assert taken > 0 and _grades(response) == [("0580", "A"), ("0610", "B")]


def test_signing_in_remembers_the_session(learner):
    browser = _signed_in(learner)
    session_key = browser.cookies["sessionid"].value
    assert browser.session[SESSION_KEY] == str(learner.pk)
    found = remembered._client().get(remembered._session_key(session_key))
    assert found is not None and found.startswith(f"{learner.pk}|".encode())


def test_a_session_is_remembered_until_its_own_expiry_not_past_it(learner):
    from django.contrib.sessions.models import Session

    browser = _signed_in(learner)
    session_key = browser.cookies["sessionid"].value
    ends = AFTER + dt.timedelta(minutes=10)
    Session.objects.filter(session_key=session_key).update(expire_date=ends)
    with time_machine.travel(AFTER, tick=False):
        _get(browser)
        memory = remembered._client().get(remembered._session_key(session_key))
        assert int(memory.split(b"|")[3]) == int(ends.timestamp())
        assert _get(browser)[1] == 0
    with time_machine.travel(ends + dt.timedelta(seconds=1), tick=False):
        assert remembered.read(session_key, now=time.time()) is None
        expired, _ = _get(browser)
    assert expired.status_code in (401, 403)


def test_a_session_is_remembered_at_most_an_hour_after_it_was_checked(learner):
    browser = _signed_in(learner)
    session_key = browser.cookies["sessionid"].value
    with time_machine.travel(AFTER, tick=False):
        _get(browser)
        assert _get(browser)[1] == 0
    later = AFTER + dt.timedelta(seconds=remembered.MEMORY_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        assert remembered.read(session_key, now=time.time()) is None
        again, taken = _get(browser)
        assert taken > 0 and again.status_code == 200  # checked again, and remembered
        assert _get(browser)[1] == 0


def test_a_page_is_answered_at_most_an_hour_after_it_was_built(learner, series):
    series.results_release_at = AFTER - dt.timedelta(minutes=1)
    series.save()
    browser = _signed_in(learner)
    session_key = browser.cookies["sessionid"].value
    with time_machine.travel(AFTER, tick=False):
        _get(browser)
        pages = remembered._pages_key(learner.learner_account.centre_id)
        page = remembered._client().hget(pages, UCI)
        until = int(page.split(b"|")[2])
        # No release to come: held for 30 to 60 minutes, at random, not for ever.
        assert AFTER.timestamp() + remembered.PAGE_SECONDS / 2 <= until
        assert until <= AFTER.timestamp() + remembered.PAGE_SECONDS
    with time_machine.travel(dt.datetime.fromtimestamp(until, dt.UTC), tick=False):
        assert remembered.read(session_key, now=time.time()) is None


def _store(session_key=None):
    from django.conf import settings as django_settings
    from django.utils.module_loading import import_string

    return import_string(f"{django_settings.SESSION_ENGINE}.SessionStore")(session_key)


def test_a_session_deleted_is_forgotten(learner):
    browser = _signed_in(learner)
    session_key = browser.cookies["sessionid"].value
    with time_machine.travel(AFTER, tick=False):
        _get(browser)
        assert remembered.read(session_key, now=time.time()) is not None
        _store(session_key).delete()  # as a flush does
        assert remembered._client().get(remembered._session_key(session_key)) is None


def _redis_away(settings):
    """The cache pointed where nothing listens, as a process sees Redis gone."""
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }


def test_a_forget_redis_cannot_take_is_queued_and_no_memory_counts_once_redis_answers(
    learner, centre_gb, settings
):
    browser = _signed_in(learner)
    other = _learner(centre_gb, "GB001270002B")
    other_browser = _signed_in(other)
    session_key = browser.cookies["sessionid"].value
    other_key = other_browser.cookies["sessionid"].value
    with time_machine.travel(AFTER, tick=False):
        for client in (browser, other_browser):
            _get(client)
        assert remembered.read(session_key, now=time.time()) is not None
    working = settings.CACHES
    _redis_away(settings)
    remembered.forget_people([learner.pk])
    settings.CACHES = working
    queued = QueuedTask.objects.filter(task="learners.forget")
    assert [task.kwargs for task in queued] == [{"user_ids": [learner.pk], "session_keys": []}]
    try:
        with time_machine.travel(AFTER + dt.timedelta(seconds=5), tick=False):
            # Before the queued task runs, Redis answers this process again: everyone's
            # stamp moves on, so no memory checked before the outage counts.
            assert remembered.read(session_key, now=time.time()) is None
            assert remembered.read(other_key, now=time.time()) is None
            assert run_queued_task(queued.get().pk) == "ran"
            assert remembered.read(session_key, now=time.time()) is None
        with time_machine.travel(AFTER + dt.timedelta(seconds=10), tick=False):
            _get(other_browser)  # the long way remembers the other learner again
            assert _get(other_browser)[1] == 0
    finally:
        remembered._owed.clear()


def test_a_centre_forgotten_while_redis_is_away_is_forgotten_by_a_queued_task(
    learner, centre_gb, settings
):
    browser = _signed_in(learner)
    session_key = browser.cookies["sessionid"].value
    with time_machine.travel(AFTER, tick=False):
        _get(browser)
        assert remembered.read(session_key, now=time.time()) is not None
    working = settings.CACHES
    _redis_away(settings)
    queries.forget_centre(centre_gb.pk)
    settings.CACHES = working
    queued = QueuedTask.objects.get(task="results.forget_cached")
    assert queued.kwargs == {"centre_id": centre_gb.pk, "code": None}
    with time_machine.travel(AFTER, tick=False):
        assert remembered.read(session_key, now=time.time()) is not None  # not yet
        assert run_queued_task(queued.pk) == "ran"
        assert remembered.read(session_key, now=time.time()) is None


def test_a_stamp_never_moves_back(learner):
    browser = _signed_in(learner)
    session_key = browser.cookies["sessionid"].value
    account = learner.learner_account
    with time_machine.travel(AFTER, tick=False):
        begun = time.time() - 0.5
        remembered.forget_people([learner.pk])  # e.g. withdrawn while the sign-in ran
        stamp = remembered._client().get(remembered._person_key(learner.pk))
        ends = time.time() + 600
        session = remembered.Session(session_key, learner.pk, account.centre_id, UCI, ends)
        remembered.signed_in([session], checked=begun)
        assert remembered._client().get(remembered._person_key(learner.pk)) == stamp
        assert remembered.read(session_key, now=time.time()) is None
        remembered.write_forgetting(user_ids=[learner.pk])
        remembered._client().set(remembered._person_key(learner.pk), b"1.0")  # an old stamp
        remembered.write_forgetting(user_ids=[learner.pk])
        assert float(remembered._client().get(remembered._person_key(learner.pk))) > begun


def test_a_token_issued_remembers_no_session(learner, centre_gb):
    """Issuing an API token signs the person in without the caller's session becoming
    theirs: whatever session the caller holds is not remembered as the learner's."""
    other = _learner(centre_gb, "GB001270002B")
    caller = _signed_in(other)
    caller_key = caller.cookies["sessionid"].value
    anonymous = Client()
    anonymous.get("/learner/")
    with time_machine.travel(AFTER, tick=False):
        remembered._client().delete(remembered._session_key(caller_key))
        for client in (caller, anonymous):
            response = client.post(
                "/api/v1/auth/token/", {"username": learner.username, "password": PASSWORD}
            )
            assert response.status_code == 200, response.content
            key = client.cookies.get("sessionid")
            if key is not None:
                found = remembered._client().get(remembered._session_key(key.value))
                assert found is None or not found.startswith(f"{learner.pk}|".encode())
        assert remembered._client().get(remembered._session_key(caller_key)) is None


def test_staff_are_never_remembered(learner):
    learner.is_staff = True
    learner.save()
    browser = _signed_in(learner)
    session_key = browser.cookies["sessionid"].value
    assert remembered._client().get(remembered._session_key(session_key)) is None
    with time_machine.travel(AFTER, tick=False):
        for _ in range(2):
            response, taken = _get(browser)
            assert taken > 0, response.status_code
    assert remembered._client().get(remembered._session_key(session_key)) is None


def test_a_session_whose_key_is_cycled_is_forgotten_with_its_persons_other_reads(learner):

    browser = _signed_in(learner)
    session_key = browser.cookies["sessionid"].value
    with time_machine.travel(AFTER, tick=False):
        _get(browser)
        assert remembered.read(session_key, now=time.time()) is not None
        stamp = remembered._client().get(remembered._person_key(learner.pk))
        store = _store(session_key)
        store.load()
        store.cycle_key()
        assert remembered.read(session_key, now=time.time()) is None
        assert float(remembered._client().get(remembered._person_key(learner.pk))) > float(stamp)


def test_expired_sessions_are_cleared_in_one_statement(learner):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    for _ in range(3):
        _signed_in(learner)
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(minutes=1))
    with CaptureQueriesContext(connection) as seen:
        type(_store()).clear_expired()
    assert [q["sql"].split()[0] for q in seen] == ["DELETE"]
    assert not Session.objects.exists()
