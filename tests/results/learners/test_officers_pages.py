"""An exams officer's pages never ask whether the officer is a learner (their centres answer
that, read once a request for what the page shows anyway), and the home page reads the
officer's centres once."""

import re

import pytest
import time_machine

from portal.centres.models import Membership
from results.learners import services
from tests.results.conftest import AFTER, capturing
from tests.signing_in import sign_in


@pytest.mark.parametrize("url", ["/", "/results/J27/", "/entries/", "/complaints/"])
def test_an_officers_page_reads_their_centres_once_and_no_learner(
    client, officer_gb, results_gb, url
):
    with time_machine.travel(AFTER, tick=False):
        client = sign_in(client, officer_gb)
        with capturing() as run:
            assert client.get(url).status_code == 200
    assert not [sql for sql in run if "learners_learneraccount" in sql]
    # The officer's centres read for their ids, or for whether there are any (not as a
    # subquery of what the page shows): once at most.
    assert len([sql for sql in run if READ_MEMBERSHIPS.match(sql)]) <= 1, run


READ_MEMBERSHIPS = re.compile(
    r'SELECT (%s AS "a"|"centres_membership"\."centre_id" AS "centre_id") FROM "centres_membership"'
)


def test_a_learner_who_is_an_officer_of_a_centre_has_the_officers_pages(
    client, officer_gb, centre_gb, series, results_gb
):
    account = _learner(officer_gb, centre_gb, series)
    Membership.objects.create(user=account.user, centre=centre_gb)
    with time_machine.travel(AFTER, tick=False):
        client = sign_in(client, account.user)
        assert client.get("/").status_code == 200
        assert client.get("/results/J27/").status_code == 200


def test_a_learners_account_still_opens_only_their_own_pages(
    client, officer_gb, centre_gb, series, results_gb
):
    account = _learner(officer_gb, centre_gb, series)
    with time_machine.travel(AFTER, tick=False):
        client = sign_in(client, account.user)
        assert client.get("/").status_code == 302
        assert client.get("/results/J27/").status_code == 403


def _learner(officer, centre, series):
    account, _ = services.give_access(
        centre=centre,
        series=series,
        candidate_number="0001",
        email="learner@example.com",
        by=officer,
    )
    return account
