"""An exams officer's pages never ask whether the officer is a learner (their centres answer
that, read once a request for what the page shows anyway), and the home page reads the
officer's centres once."""

import pytest
import time_machine

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
    # Read themselves, not as a subquery of what the page shows.
    assert len([sql for sql in run if sql.startswith('SELECT "centres_membership"')]) <= 1, run


def test_a_learners_account_still_opens_only_their_own_pages(
    client, officer_gb, centre_gb, series, results_gb
):
    account, _ = services.give_access(
        centre=centre_gb,
        series=series,
        candidate_number="0001",
        email="learner@example.com",
        by=officer_gb,
    )
    with time_machine.travel(AFTER, tick=False):
        client = sign_in(client, account.user)
        assert client.get("/").status_code == 302
        assert client.get("/results/J27/").status_code == 403
