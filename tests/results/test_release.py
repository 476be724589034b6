"""Release at the instant: nothing a second early, everything a second late, through every
way results leave the portal."""

import pytest
import time_machine
from django.core import mail  # noqa: F401

from portal.notifications.models import Notification
from results import queries, release, services
from tests.results.conftest import AFTER, BEFORE, RELEASE
from tests.signing_in import api_as, sign_in

pytestmark = pytest.mark.django_db


def _api_grades(client, url="/api/v1/results/?series=J27"):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return sorted(
        (r["candidate_number"], r["syllabus_code"], r["grade"]) for r in response.json()["results"]
    )


def test_api_list_at_minus_one_second_is_empty(officer_api, results_gb):
    with time_machine.travel(BEFORE, tick=False):
        assert _api_grades(officer_api) == []
        assert _api_grades(officer_api, "/api/v1/results/") == []


def test_api_list_at_plus_one_second_shows_every_result(officer_api, results_gb, results_pk):
    with time_machine.travel(BEFORE, tick=False):
        _api_grades(officer_api)
    with time_machine.travel(AFTER, tick=False):
        assert _api_grades(officer_api) == [
            ("0001", "0580", "A"),
            ("0001", "0610", "B"),
            ("0002", "0580", None),
        ]


def test_api_list_at_the_instant_shows_results(officer_api, results_gb):
    with time_machine.travel(RELEASE, tick=False):
        assert len(_api_grades(officer_api)) == 3


def test_api_detail_before_release_is_404_and_after_200(officer_api, results_gb):
    url = f"/api/v1/results/{results_gb[0].pk}/"
    with time_machine.travel(BEFORE, tick=False):
        assert officer_api.get(url).status_code == 404
    with time_machine.travel(AFTER, tick=False):
        body = officer_api.get(url).json()
    assert body["grade"] == "A" and body["status"] == "issued" and body["centre"] == "GB001"
    assert set(body) >= {"series", "centre", "candidate_number", "uci", "syllabus_code"}


def test_staff_see_results_before_release(staff_api, results_gb):
    with time_machine.travel(BEFORE, tick=False):
        assert len(_api_grades(staff_api)) == 3


def test_staff_without_the_results_role_are_refused(db, results_gb):
    from tests.factories import StaffFactory

    specialist = StaffFactory(username="spec", roles=["Assessment specialist"])
    assert api_as(specialist).get("/api/v1/results/").status_code == 403


def test_page_before_release_shows_the_countdown_in_the_centres_zone(
    client, officer_pk, results_pk
):
    with time_machine.travel(BEFORE, tick=False):
        sign_in(client, officer_pk)
        page = client.get("/results/J27/").content.decode()
    assert "Released in" in page and "Asia/Karachi" in page and "10:00" in page
    assert "Cand0001" not in page


def test_page_after_release_shows_results_and_totals(client, officer_gb, results_gb):
    with time_machine.travel(AFTER, tick=False):
        sign_in(client, officer_gb)
        page = client.get("/results/J27/").content.decode()
        only_a = client.get("/results/J27/?grade=A").content.decode()
    assert "Cand0001" in page and "Totals by grade" in page and "Pending" in page
    assert "1 of 3 results" in only_a


def test_csv_before_release_is_the_header_alone(client, officer_gb, results_gb):
    with time_machine.travel(BEFORE, tick=False):
        sign_in(client, officer_gb)
        before = b"".join(client.get("/results/J27/results.csv").streaming_content).decode()
    with time_machine.travel(AFTER, tick=False):
        after = b"".join(client.get("/results/J27/results.csv").streaming_content).decode()
    assert before.splitlines() == [before.splitlines()[0]]
    assert len(after.splitlines()) == 4 and "0580" in after


def test_statement_pdf_before_release_is_404_and_after_a_pdf(client, officer_gb, results_gb):
    url = "/results/J27/GB001/0001/statement.pdf"
    with time_machine.travel(BEFORE, tick=False):
        sign_in(client, officer_gb)
        assert client.get(url).status_code == 404
    with time_machine.travel(AFTER, tick=False):
        response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_another_centres_officer_gets_404(client, officer_pk, results_gb, results_pk):
    with time_machine.travel(AFTER, tick=False):
        sign_in(client, officer_pk)
        assert client.get("/results/J27/GB001/0001/statement.pdf").status_code == 404
        assert api_as(officer_pk).get(f"/api/v1/results/{results_gb[0].pk}/").status_code == 404
        page = client.get("/results/J27/").content.decode()
    assert "GB001" not in page


def test_release_notice_not_sent_a_second_early(officer_gb, results_gb):
    assert release.send_release_notices(now=BEFORE) == 0
    assert not Notification.objects.filter(kind="results").exists()


def test_release_notice_sent_at_the_instant_exactly_once(officer_gb, officer_pk, results_gb):
    assert release.send_release_notices(now=AFTER) == 1
    assert release.send_release_notices(now=AFTER) == 0
    notices = Notification.objects.filter(kind="results")
    assert [(n.user.username, n.subject) for n in notices] == [
        ("officer1", "June 2027 results are out")
    ]


def test_the_rule_shows_nothing_before_release(officer_gb, results_gb, series):
    def grades(now):
        found = queries.rows(queries.chosen(queries.visible(officer_gb, series=series, now=now)))
        return [queries.row_of(values)["grade"] for values in found]

    assert grades(BEFORE) == []
    assert grades(RELEASE) == ["A", "B", None]


def test_cached_page_holds_nothing_before_release(officer_api, results_gb):
    with time_machine.travel(BEFORE, tick=False):
        assert _api_grades(officer_api) == []
        assert _api_grades(officer_api) == []
    with time_machine.travel(AFTER, tick=False):
        assert len(_api_grades(officer_api)) == 3


def test_cached_page_follows_a_correction_at_once(officer_api, staff_user, results_gb):
    with time_machine.travel(AFTER, tick=False):
        assert ("0001", "0580", "A") in _api_grades(officer_api)
        services.change_grade(results_gb[0], grade="B", by=staff_user, reason="Clerical error.")
        assert ("0001", "0580", "B") in _api_grades(officer_api)


def test_cached_page_follows_a_release_date_moved_later(officer_api, staff_user, results_gb):
    """Cached pages are kept with the instant they were built under: moving it hides them."""
    import datetime as dt

    from entries.models import Series

    with time_machine.travel(AFTER, tick=False):
        assert len(_api_grades(officer_api)) == 3
        Series.objects.filter(code="J27").update(results_release_at=AFTER + dt.timedelta(days=1))
        queries.forget_series("J27")
        assert _api_grades(officer_api) == []
