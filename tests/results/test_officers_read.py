"""The results-day read by officers' tokens: the short way (a remembered token, a cached
page, one round trip to the cache) answers exactly what the long way (the API's list) does,
never before the instant, and forgets a token the moment anything about it changes."""

import datetime as dt
import time

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from portal.accounts.roles import RESULTS_TEAM
from portal.accounts.services import issue_api_token, revoke_api_token
from portal.api import remembered
from portal.centres.models import Membership
from portal.outbox.models import QueuedTask
from portal.outbox.services import run_queued_task
from results import read, release, services
from tests.factories import StaffFactory
from tests.results.conftest import AFTER, BEFORE

pytestmark = pytest.mark.django_db
URL = "/api/v1/results/?series=J27"


def _token_client(user, *, two_factor=False) -> APIClient:
    """A client with a token issued a minute before the instant (tokens expire)."""
    with time_machine.travel(BEFORE - dt.timedelta(minutes=1), tick=False):
        _, raw = issue_api_token(user, device_name="MIS", two_factor=two_factor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


@pytest.fixture
def mis(officer_gb):
    """The school's MIS with the officer's token."""
    return _token_client(officer_gb)


def _get(client, url=URL, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    return response, len(queries)


def _grades(response) -> list:
    assert response.status_code == 200, response.content
    return sorted(
        (r["candidate_number"], r["syllabus_code"], r["grade"]) for r in response.json()["results"]
    )


def test_the_second_read_takes_no_query_and_answers_the_same(mis, results_gb, results_pk):
    with time_machine.travel(AFTER, tick=False):
        first, first_queries = _get(mis)
        second, second_queries = _get(mis)
    assert first_queries > 0 and second_queries == 0
    assert second.content == first.content
    assert _grades(second) == [("0001", "0580", "A"), ("0001", "0610", "B"), ("0002", "0580", None)]


def test_the_short_way_answers_with_the_long_ways_headers(mis, results_gb):
    with time_machine.travel(AFTER, tick=False):
        long_way, _ = _get(mis)
        short_way, queries = _get(mis)
    assert queries == 0
    own_to_each_answer = {"X-Request-ID", "Date"}
    headers = {name for name in long_way.headers if name not in own_to_each_answer}
    assert headers == {name for name in short_way.headers if name not in own_to_each_answer}
    for header in headers:
        assert short_way.headers[header] == long_way.headers[header], header
    # Results are a person's own: neither way lets a cache keep them.
    assert long_way.headers["Cache-Control"] == "private, no-store"


def test_every_results_answer_of_the_api_is_kept_by_no_cache(staff_user, results_gb):
    from tests.signing_in import api_as

    staff = api_as(staff_user)
    with time_machine.travel(AFTER, tick=False):
        listed = staff.get(URL)
        one = staff.get(f"/api/v1/results/{results_gb[0].pk}/")
    assert listed.status_code == 200 and one.status_code == 200
    assert listed["Cache-Control"] == one["Cache-Control"] == "private, no-store"


def test_nothing_a_second_early_even_after_the_page_was_cached(mis, results_gb):
    with time_machine.travel(BEFORE, tick=False):
        assert _grades(_get(mis)[0]) == []
    with time_machine.travel(AFTER, tick=False):
        _get(mis)
        assert len(_grades(_get(mis)[0])) == 3
    # The clock of a machine put back: the cached page is no answer before the instant.
    with time_machine.travel(BEFORE, tick=False):
        assert _grades(_get(mis)[0]) == []


def test_a_revoked_token_is_refused_at_once(
    mis, officer_gb, results_gb, django_capture_on_commit_callbacks
):
    with time_machine.travel(AFTER, tick=False):
        _get(mis)
        assert _get(mis)[1] == 0
        with django_capture_on_commit_callbacks(execute=True):
            revoke_api_token(officer_gb.auth_token_set.get())
        assert _get(mis)[0].status_code == 401


def test_an_officer_made_inactive_is_refused_at_once(
    mis, officer_gb, results_gb, django_capture_on_commit_callbacks
):
    with time_machine.travel(AFTER, tick=False):
        _get(mis)
        with django_capture_on_commit_callbacks(execute=True):
            officer_gb.is_active = False
            officer_gb.save()
        assert _get(mis)[0].status_code == 401


def test_an_officer_who_left_the_centre_sees_its_results_no_more(
    mis, officer_gb, results_gb, django_capture_on_commit_callbacks
):
    with time_machine.travel(AFTER, tick=False):
        _get(mis)
        assert len(_grades(_get(mis)[0])) == 3
        with django_capture_on_commit_callbacks(execute=True):
            Membership.objects.filter(user=officer_gb).delete()
        assert _grades(_get(mis)[0]) == []


def test_an_officer_given_another_centre_sees_both_at_once(
    mis, officer_gb, centre_pk, results_gb, results_pk, django_capture_on_commit_callbacks
):
    with time_machine.travel(AFTER, tick=False):
        _get(mis)
        assert {r["centre"] for r in _get(mis)[0].json()["results"]} == {"GB001"}
        with django_capture_on_commit_callbacks(execute=True):
            Membership.objects.create(user=officer_gb, centre=centre_pk)
        assert {r["centre"] for r in _get(mis)[0].json()["results"]} == {"GB001", "PK002"}


def test_an_expired_token_is_refused(mis, officer_gb, results_gb):
    with time_machine.travel(AFTER, tick=False):
        _get(mis)
        assert _get(mis)[1] == 0
    expiry = officer_gb.auth_token_set.get().expiry
    with time_machine.travel(expiry + dt.timedelta(seconds=1), tick=False):
        assert _get(mis)[0].status_code == 401


def test_another_centres_officer_reads_only_their_own(mis, officer_pk, results_gb, results_pk):
    other = _token_client(officer_pk)
    with time_machine.travel(AFTER, tick=False):
        _get(mis), _get(other)
        mine, queries = _get(other)
    assert queries == 0
    assert _grades(mine) == [("0001", "0580", "C")]
    assert {r["centre"] for r in mine.json()["results"]} == {"PK002"}


def test_a_correction_shows_on_the_next_read(mis, staff_user, results_gb):
    with time_machine.travel(AFTER, tick=False):
        _get(mis)
        assert ("0001", "0580", "A") in _grades(_get(mis)[0])
        services.change_grade(results_gb[0], grade="C", by=staff_user, reason="Clerical error.")
        assert ("0001", "0580", "C") in _grades(_get(mis)[0])


def test_staff_tokens_are_never_remembered(results_gb):
    staff = StaffFactory(roles=[RESULTS_TEAM])
    client = _token_client(staff, two_factor=True)
    raw = client._credentials["HTTP_AUTHORIZATION"].split()[1]
    with time_machine.travel(AFTER, tick=False):
        assert _get(client)[0].status_code == 200
        again, queries = _get(client)
    assert again.status_code == 200 and queries > 0
    assert remembered.recall(remembered.digest_of(raw), now=AFTER.timestamp()) is None


@pytest.mark.parametrize(
    ("url", "headers"),
    [
        (URL, {"HTTP_ACCEPT": "text/html"}),
        (URL, {"HTTP_ACCEPT": "application/json; indent=4"}),
    ],
)
def test_anything_but_a_plain_page_read_takes_the_long_way(mis, results_gb, url, headers):
    with time_machine.travel(AFTER, tick=False):
        _get(mis)
        assert _get(mis)[1] == 0
        response, queries = _get(mis, url, **headers)
    assert queries > 0 and response.status_code == 200
    assert response.content != _get(mis)[0].content  # HTML, or JSON indented


def test_what_the_guards_refuse_is_refused_though_the_page_is_cached(mis, results_gb):
    with time_machine.travel(AFTER, tick=False):
        _get(mis)
        assert _get(mis)[1] == 0
        hostile = _get(mis, HTTP_X_NOTE="a\x00b")[0]
        deep = b"[" * 101 + b"]" * 101
        with_body = mis.generic("GET", URL, deep, content_type="application/json")
    assert hostile.status_code == 400
    assert with_body.status_code == 400


def test_an_officer_signed_in_in_a_browser_reads_the_long_way(mis, officer_gb, results_gb):
    """The session and language of a person signed in decide the long way's answer."""
    with time_machine.travel(AFTER, tick=False):
        _get(mis)
        assert _get(mis)[1] == 0
        mis.force_login(officer_gb)
        mis.cookies["django_language"] = "ar"
        response, queries = _get(mis)
    assert queries > 0 and response.status_code == 200
    assert response.headers["Content-Language"] == "en-gb"


def test_a_wrong_token_is_refused_as_by_the_api(results_gb):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "ab" * 32)
    with time_machine.travel(AFTER, tick=False):
        response = client.get(URL)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"


def test_the_release_sweep_remembers_the_officers_tokens(mis, officer_gb, officer_pk, results_gb):
    """Every system's first read on results day is short: the sweep at the instant checked
    the tokens of the officers of every centre with results (and no one else's)."""
    staff = StaffFactory(roles=[RESULTS_TEAM])
    staff_mis = _token_client(staff, two_factor=True)
    other = _token_client(officer_pk)  # PK002 has no results in the series
    with time_machine.travel(AFTER, tick=False):
        release.send_release_notices()
    for client, known in ((mis, True), (staff_mis, False), (other, False)):
        raw = client._credentials["HTTP_AUTHORIZATION"].split()[1]
        found = remembered.recall(remembered.digest_of(raw), now=AFTER.timestamp())
        assert (found is not None) is known
    found = remembered.recall(
        remembered.digest_of(mis._credentials["HTTP_AUTHORIZATION"].split()[1]),
        now=AFTER.timestamp(),
    )
    assert found.user_id == officer_gb.pk and found.centre_ids == {
        officer_gb.memberships.get().centre_id
    }


def _build_queued_pages(series) -> list:
    """Run the page builds the release sweep queued, as a worker does; answer their kwargs."""
    queued = QueuedTask.objects.filter(task="results.build_pages").order_by("pk")
    asked = [task.kwargs for task in queued]
    for task in queued:
        assert run_queued_task(task.pk) == "ran"
    return asked


def test_the_release_sweep_builds_each_centres_first_page_as_the_long_way_answers_it(
    mis, officer_pk, series, results_gb, results_pk, settings
):
    """Each system's first read on results day is short too: the workers built every
    centre's first page at the instant, the bytes the long way answers."""
    settings.PORTAL_BASE_URL = "http://testserver"
    other = _token_client(officer_pk)
    centres = sorted({results_gb[0].centre_id, results_pk[0].centre_id})
    with time_machine.travel(AFTER, tick=False):
        release.send_release_notices()
        assert _build_queued_pages(series) == [{"series_id": series.pk, "centre_ids": centres}]
        first, first_queries = _get(mis)
        others, other_queries = _get(other)
        paged, paged_queries = _get(mis, f"{URL}&page=1")  # not built: the long way

    assert first_queries == 0 and other_queries == 0 and paged_queries > 0
    assert first.content == paged.content
    assert _grades(first) == [("0001", "0580", "A"), ("0001", "0610", "B"), ("0002", "0580", None)]
    assert {row["centre"] for row in others.json()["results"]} == {"PK002"}


def test_no_page_is_built_before_the_instant_nor_at_another_address(
    mis, series, results_gb, settings
):
    with time_machine.travel(BEFORE, tick=False):
        assert read.build_officers_pages(series.pk, [results_gb[0].centre_id], now=BEFORE) == 0
        assert _grades(_get(mis)[0]) == []
    # Built for the portal's https address, the page is not answered to a read over http,
    # whose links would say http.
    settings.PORTAL_BASE_URL = "https://testserver"
    with time_machine.travel(AFTER, tick=False):
        assert read.build_officers_pages(series.pk, [results_gb[0].centre_id], now=AFTER) == 1
        assert _get(mis)[1] > 0
    settings.PORTAL_BASE_URL = "https://elsewhere.example"  # not a host the portal answers
    assert read.build_officers_pages(series.pk, [results_gb[0].centre_id], now=AFTER) == 0


def test_a_check_made_before_a_revocation_cannot_remember_the_token_after_it(
    officer_gb, django_capture_on_commit_callbacks
):
    """A request checked the token, the token was revoked and forgotten, then the request
    went on to remember what it had checked: the mark left by forgetting refuses it."""
    token, raw = issue_api_token(officer_gb, device_name="MIS", two_factor=False)
    centres = {officer_gb.memberships.get().centre_id}
    with django_capture_on_commit_callbacks(execute=True):
        revoke_api_token(token)
    remembered.remember(token, officer_gb, centres)
    assert remembered.recall(remembered.digest_of(raw), now=time.time()) is None


def test_a_token_checked_is_remembered(officer_gb):
    token, raw = issue_api_token(officer_gb, device_name="MIS", two_factor=False)
    remembered.remember(token, officer_gb, {officer_gb.memberships.get().centre_id})
    found = remembered.recall(remembered.digest_of(raw), now=time.time())
    assert found.user_id == officer_gb.pk


def test_signing_in_forgets_nothing(
    mis, officer_gb, results_gb, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import update_last_login

    with time_machine.travel(AFTER, tick=False):
        _get(mis)
        with django_capture_on_commit_callbacks(execute=True):
            update_last_login(None, officer_gb)
        assert _get(mis)[1] == 0


def test_a_membership_given_to_another_person_leaves_the_first_without_it(
    mis, officer_gb, officer_pk, results_gb, django_capture_on_commit_callbacks
):
    with time_machine.travel(AFTER, tick=False):
        _get(mis)
        assert len(_grades(_get(mis)[0])) == 3
        membership = officer_gb.memberships.get()
        with django_capture_on_commit_callbacks(execute=True):
            membership.user = officer_pk
            membership.save()
        assert _grades(_get(mis)[0]) == []


@pytest.mark.redis
def test_a_forget_is_written_even_while_this_process_thinks_redis_is_away(
    mis, officer_gb, results_gb, django_capture_on_commit_callbacks
):
    """A timeout a moment ago makes this process skip cache reads and writes for a few
    seconds; a forgotten token is no cache miss, and its mark is written all the same."""
    from django.core.cache import cache

    with time_machine.travel(AFTER, tick=False):
        _get(mis)
        assert _get(mis)[1] == 0
        cache.outage.failed(TimeoutError("a moment's blip"))
        try:
            with django_capture_on_commit_callbacks(execute=True):
                revoke_api_token(officer_gb.auth_token_set.get())
        finally:
            cache.outage.succeeded()
        assert _get(mis)[0].status_code == 401


@pytest.mark.redis
def test_a_forget_redis_cannot_take_is_queued_and_written_later(officer_gb, settings):
    from django.core.cache import cache

    from portal.outbox.models import QueuedTask
    from portal.outbox.services import run_queued_task

    token, raw = issue_api_token(officer_gb, device_name="MIS", two_factor=False)
    remembered.remember(token, officer_gb, {officer_gb.memberships.get().centre_id})
    digest = remembered.digest_of(raw)
    working = settings.CACHES
    settings.CACHES = {
        "default": {
            **working["default"],
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    remembered._forget_now([digest], [])
    settings.CACHES = working
    queued = QueuedTask.objects.get(task="accounts.forget_remembered_tokens")
    assert queued.kwargs == {"digests": [digest]}
    assert remembered.recall(digest, now=time.time()) is not None  # not yet
    assert run_queued_task(queued.pk) == "ran"
    assert remembered.recall(digest, now=time.time()) is None
    assert cache.get(remembered.key_of(digest)) == remembered.FORGOTTEN


def test_an_officer_made_staff_behind_the_signals_back_is_checked_in_full(
    mis, officer_gb, results_gb
):
    """Made staff by a bulk update (no signal): the remembered token is still remembered,
    but the long way takes no remembered staff member, and staff need two-factor."""
    from portal.accounts.models import User

    with time_machine.travel(AFTER, tick=False):
        _get(mis)
        User.objects.filter(pk=officer_gb.pk).update(is_staff=True)
        response = _get(mis, f"{URL}&grade=A")[0]
    assert response.status_code == 401
    assert "two-factor" in response.json()["detail"]


def test_staff_are_never_remembered_even_when_asked(staff_user):
    token, raw = issue_api_token(staff_user, device_name="desk", two_factor=True)
    remembered.remember(token, staff_user, {1})
    assert remembered.recall(remembered.digest_of(raw), now=time.time()) is None
