"""The counts above a series' results (how many are shown, of how many, and the totals by
grade) are counted once for an officer's centres, and for the centre staff choose, then
remembered until what they count changes: every change counts them again, so the page
always says what the database holds."""

import io

import pytest
import time_machine
from django.core.cache import cache

from portal.centres.models import Membership
from results import services
from results.models import QaHold
from tests.results.conftest import AFTER, capturing, make_result
from tests.signing_in import sign_in

URL = "/results/J27/"


def _counts(client, url=URL):
    response = client.get(url)
    assert response.status_code == 200
    context = response.context
    return context["shown_count"], context["all_count"], context["totals"]


def _counted_afresh(client, url=URL):
    cache.clear()
    return _counts(client, url)


def _counting(run) -> list[str]:
    """The queries that counted or totalled results."""
    return [sql for sql in run if "results_result" in sql and "COUNT(" in sql.upper()]


@pytest.fixture
def officer_client(client, officer_gb, results_gb, results_pk):
    with time_machine.travel(AFTER, tick=False):
        yield sign_in(client, officer_gb)


def test_an_officers_counts_are_counted_once_then_remembered(officer_client):
    first = _counts(officer_client)
    with capturing() as captured:
        again = _counts(officer_client)
    assert _counting(captured) == []
    assert again == first == (3, 3, [("A", 1), ("B", 1), ("Pending", 1)])


def test_each_filter_is_counted_apart(officer_client):
    assert _counts(officer_client, URL + "?grade=A") == (1, 3, [("A", 1)])
    assert _counts(officer_client, URL + "?grade=B") == (1, 3, [("B", 1)])
    assert _counts(officer_client, URL)[0] == 3


def _grade_changed(world):
    services.change_grade(world["result"], grade="C", by=world["staff"], reason="Marking error")


def _held(world):
    result = world["result"]
    services.hold_results(centre=result.centre, series=result.series, syllabus=result.syllabus)


def _hold_released(world):
    services.release_hold(QaHold.objects.get(), outcome="accepted", by=world["staff"])


def _results_loaded(world):
    # Loaded as staff load them: a file of results, one of them corrected.
    result = world["result"]
    lines = f"centre,candidate_number,syllabus_code,grade\nGB001,0001,{result.syllabus.code},C\n"
    services.import_results(io.StringIO(lines), series=result.series, by=world["staff"])


def _centre_joined(world):
    Membership.objects.create(user=world["officer"], centre=world["other_centre"])


# Each change, after what comes before it (a hold is opened before it is released).
CHANGES = {
    "grade changed": [_grade_changed],
    "held": [_held],
    "hold released": [_held, _hold_released],
    "results loaded": [_results_loaded],
    "centre joined": [_centre_joined],
}


@pytest.mark.parametrize("changes", CHANGES.values(), ids=CHANGES.keys())
def test_every_change_counts_them_again(
    officer_client, officer_gb, staff_user, results_gb, results_pk, changes
):
    world = {
        "result": results_gb[0],
        "staff": staff_user,
        "officer": officer_gb,
        "other_centre": results_pk[0].centre,
    }
    *before_it, change = changes
    for earlier in before_it:
        earlier(world)
    before = _counts(officer_client)
    change(world)
    officer_gb.refresh_from_db()
    after = _counts(officer_client)
    assert after != before
    assert after == _counted_afresh(officer_client)


def test_a_syllabus_given_a_code_is_counted_under_it(officer_client, results_gb):
    url = URL + "?syllabus=0999"
    assert _counts(officer_client, url)[0] == 0
    syllabus = results_gb[1].syllabus  # 0610, one result
    syllabus.code = "0999"
    syllabus.save()
    assert _counts(officer_client, url) == _counted_afresh(officer_client, url)
    assert _counts(officer_client, url)[0] == 1


def test_a_candidate_renamed_is_found_by_the_new_name(
    officer_client, results_gb, django_capture_on_commit_callbacks
):
    url = URL + "?candidate=Renamed"
    assert _counts(officer_client, url)[0] == 0
    candidate = results_gb[0].candidate
    candidate.surname = "Renamed"
    with django_capture_on_commit_callbacks(execute=True):
        candidate.save()
    assert _counts(officer_client, url) == _counted_afresh(officer_client, url)
    assert _counts(officer_client, url)[0] == 2


def test_staff_counts_of_a_centre_are_remembered_and_counted_again(
    client, staff_user, results_gb, results_pk
):
    url = URL + "?centre=GB001"
    with time_machine.travel(AFTER, tick=False):
        staff_client = sign_in(client, staff_user)
        with capturing() as first_read:
            first = _counts(staff_client, url)
        with capturing() as second_read:
            assert _counts(staff_client, url) == first
        services.change_grade(results_gb[1], grade="A", by=staff_user, reason="Marking error")
        after = _counts(staff_client, url)
        assert after == _counted_afresh(staff_client, url)
    assert _grouping(first_read)
    assert not _grouping(second_read)
    assert first[2] == [("A", 1), ("B", 1), ("Pending", 1)]
    assert after[2] == [("A", 2), ("Pending", 1)]


def test_staff_see_how_many_the_series_holds_after_another_centre_changes(
    client, staff_user, results_gb, results_pk
):
    url = URL + "?centre=GB001"
    with time_machine.travel(AFTER, tick=False):
        staff_client = sign_in(client, staff_user)
        assert _counts(staff_client, url)[:2] == (3, 4)
        other = results_pk[0]
        make_result(other.centre, other.series, "0002", "0620", "D")
        services.queries.forget(other.centre_id, other.series)
        assert _counts(staff_client, url)[:2] == (3, 5)


def _grouping(captured) -> list[str]:
    return [sql for sql in _counting(captured) if "GROUP BY" in sql.upper()]


def test_a_pages_texts_are_translated_once_whatever_its_rows(
    officer_client, centre_gb, series, translated
):
    """The labels and link texts of every row are translated once for the page."""

    def translations() -> tuple[int, int]:
        translated.clear()
        page = officer_client.get(URL)
        assert page.status_code == 200
        return len(page.context["rows"]), len(translated)

    rows, few = translations()
    for number in range(10, 16):
        make_result(centre_gb, series, f"00{number}", "0580", "B")
    cache.clear()  # the results were written here, not through the service that says so
    assert translations() == (rows + 6, few)
