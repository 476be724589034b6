"""The results-day read (an officer's page of a series cached whole, answered from one round
trip to the cache by a remembered token) answers exactly what the database's rule answers:
for every user of the isolation world, before, at and after the release instant, and after
every change of membership, token and QA hold."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from portal.accounts.models import ApiToken, User
from portal.accounts.services import issue_api_token, revoke_api_token
from portal.centres.models import Membership
from portal.permissions import is_staff_user
from results import queries, services
from results.models import QaHold, Result
from results.serializers import for_api

pytestmark = pytest.mark.django_db


def _slow_answer(digest: str, code: str, *, now) -> tuple[int, list[dict] | None]:
    """What the rule answers a token, from the database alone (no cache): the status and
    rows."""
    from entries.models import Series

    token = ApiToken.objects.filter(digest=digest).select_related("user").first()
    if token is None or (token.expiry is not None and token.expiry <= now):
        return 401, None
    user = token.user
    if is_staff_user(user) and not user.has_perm("results.view_result"):
        return 403, None
    series = Series.objects.get(code=code)
    found = queries.chosen(queries.visible(user, series=series, now=now))
    return 200, [for_api(row) for row in queries.rows_of(queries.ids(found))]


class Systems:
    """A school system (an API token) for every active user of the world."""

    def __init__(self, at):
        self.clients: dict[int, tuple[str, APIClient]] = {}
        with time_machine.travel(at, tick=False):
            for user in User.objects.filter(is_active=True).order_by("pk"):
                self.issue(user)

    def issue(self, user) -> None:
        token, raw = issue_api_token(user, device_name="MIS", two_factor=user.is_staff)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
        self.clients[user.pk] = (token.digest, client)


def _compare_everyone(systems: Systems, *, now, codes=("R26", "M27")) -> int:
    """Every system reads each series twice (the first read builds and caches, the second
    may take the short way); both must be the rule's answer. Answer how many reads took
    the short way (no query at all)."""
    short = 0
    with time_machine.travel(now, tick=False):
        for user_id, (digest, client) in systems.clients.items():
            for code in codes:
                status, rows = _slow_answer(digest, code, now=now)
                for _ in range(2):
                    with CaptureQueriesContext(connection) as asked:
                        response = client.get(f"/api/v1/results/?series={code}&page_size=500")
                    who = User.objects.get(pk=user_id).username
                    assert response.status_code == status, (who, code, response.content[:300])
                    if status == 200:
                        body = response.json()
                        assert body["results"] == rows, (who, code)
                        assert body["count"] == len(rows), (who, code)
                    short += len(asked.captured_queries) == 0
    return short


@pytest.fixture
def instant(world):
    return world.released.results_release_at


def test_the_cached_read_answers_what_the_database_does_around_the_instant(world, instant):
    systems = Systems(instant - dt.timedelta(minutes=1))
    assert len(systems.clients) > 4
    short = 0
    for now in (
        instant - dt.timedelta(seconds=1),
        instant,
        instant + dt.timedelta(seconds=1),
        instant - dt.timedelta(seconds=1),  # a clock put back
    ):
        short += _compare_everyone(systems, now=now)
    assert short > 0  # the short way was taken, and checked


def test_the_cached_read_follows_every_change_of_membership_token_and_hold(
    world, instant, django_capture_on_commit_callbacks
):
    after = instant + dt.timedelta(seconds=1)
    systems = Systems(instant - dt.timedelta(minutes=1))
    a, b = world.a, world.b
    short = _compare_everyone(systems, now=after)

    def change(act):
        with (
            time_machine.travel(after, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            act()
        return _compare_everyone(systems, now=after)

    # Membership: A's officer joins B, leaves A, moves from B back to A; then B's officer's
    # place is given to A's.
    short += change(lambda: Membership.objects.create(user=a.officer, centre=b.centre))
    short += change(lambda: Membership.objects.filter(user=a.officer, centre=a.centre).delete())

    def move(membership, **to):
        for name, value in to.items():
            setattr(membership, name, value)
        membership.save()

    joined = Membership.objects.get(user=a.officer, centre=b.centre)
    short += change(lambda: move(joined, centre=a.centre))
    theirs = Membership.objects.get(user=b.officer, centre=b.centre)
    short += change(lambda: move(theirs, user=a.officer))
    # Tokens: A's officer's revoked (refused at once), then a new one issued.
    short += change(lambda: [revoke_api_token(t) for t in ApiToken.objects.filter(user=a.officer)])
    with time_machine.travel(instant - dt.timedelta(minutes=1), tick=False):
        systems.issue(a.officer)
    short += _compare_everyone(systems, now=after)
    # QA holds: a hold opened on B's results of a syllabus, then released.
    result = b.cases[Result]["issued"]
    short += change(
        lambda: services.hold_results(
            centre=b.centre, series=world.released, syllabus=result.syllabus, reference="QA-1"
        )
    )
    hold = QaHold.objects.open().get(centre=b.centre, series=world.released)
    short += change(lambda: services.release_hold(hold, outcome="accepted", by=world.staff))
    # And a grade corrected.
    short += change(
        lambda: services.change_grade(result, grade="A", by=world.staff, reason="Clerical.")
    )
    assert short > 0
