"""QA holds, and every move on a result: allowed, refused (403 role, 409 status), repeated."""

import pytest
import time_machine

from portal.notifications.models import Notification
from results import services
from results.models import QaHold, Result, ResultChange
from tests.results.conftest import AFTER
from tests.signing_in import api_as

pytestmark = pytest.mark.django_db


def _hold(result):
    return services.hold_results(
        centre=result.centre, series=result.series, syllabus=result.syllabus, reference="QA-1"
    )


def test_held_result_shows_withheld_with_no_grade(officer_api, results_gb):
    _hold(results_gb[0])
    with time_machine.travel(AFTER, tick=False):
        body = officer_api.get(f"/api/v1/results/{results_gb[0].pk}/").json()
    assert (body["status"], body["grade"]) == ("withheld", None)


def test_hold_released_when_accepted_shows_the_grade_and_tells_the_centre(
    officer_api, officer_gb, staff_user, results_gb
):
    hold = _hold(results_gb[0])
    with time_machine.travel(AFTER, tick=False):
        officer_api.get("/api/v1/results/?series=J27")  # cached while held
        services.release_hold(hold, outcome="accepted", by=staff_user)
        body = officer_api.get(f"/api/v1/results/{results_gb[0].pk}/").json()
        listed = officer_api.get("/api/v1/results/?series=J27&syllabus_code=0580").json()
    assert (body["status"], body["grade"]) == ("issued", "A")
    assert listed["results"][0]["grade"] == "A"
    assert Notification.objects.filter(user=officer_gb, kind="results").count() == 1


def test_hold_released_twice_changes_nothing(staff_user, results_gb):
    hold = _hold(results_gb[0])
    first = services.release_hold(hold, outcome="accepted", by=staff_user)
    again = services.release_hold(hold, outcome="adjusted", by=staff_user)
    assert again.released_at == first.released_at and again.outcome == "accepted"


def test_hold_opened_twice_is_one_hold(results_gb):
    assert _hold(results_gb[0]).pk == _hold(results_gb[0]).pk
    assert QaHold.objects.count() == 1


def test_adjusted_hold_changes_grades_then_releases(staff_user, results_gb):
    hold = _hold(results_gb[0])
    services.adjust_held_results(hold, grades={"0001": "C"}, by=staff_user)
    results_gb[0].refresh_from_db()
    assert results_gb[0].grade == "C"
    assert QaHold.objects.get().outcome == "adjusted"


@pytest.mark.parametrize(
    ("action", "body", "start", "status", "grade"),
    [
        ("withhold", {"reason": "Investigation."}, 0, "withheld", ""),
        ("change-grade", {"grade": "C", "reason": "Clerical error."}, 0, "issued", "C"),
        ("issue", {"grade": "B"}, 2, "issued", "B"),
        ("mark-no-result", {"reason": "Absent."}, 2, "no_result", ""),
    ],
)
def test_move_allowed_for_the_results_team(
    staff_api, results_gb, action, body, start, status, grade
):
    result = results_gb[start]
    response = staff_api.post(f"/api/v1/results/{result.pk}/{action}/", body, format="json")
    assert response.status_code == 200, response.content
    result.refresh_from_db()
    assert (result.status, result.grade) == (status, grade)
    assert ResultChange.objects.filter(result=result).count() == 1


@pytest.mark.parametrize("action", ["withhold", "change-grade", "issue", "mark-no-result"])
def test_move_refused_to_the_centres_officer(officer_gb, results_gb, action):
    with time_machine.travel(AFTER, tick=False):
        response = api_as(officer_gb).post(
            f"/api/v1/results/{results_gb[0].pk}/{action}/",
            {"grade": "A", "reason": "Please."},
            format="json",
        )
    assert response.status_code == 403
    assert not ResultChange.objects.exists()


def test_move_refused_from_a_status_that_does_not_allow_it(staff_api, results_gb):
    pending = results_gb[2]
    response = staff_api.post(
        f"/api/v1/results/{pending.pk}/change-grade/", {"grade": "A", "reason": "x"}, format="json"
    )
    assert response.status_code == 409
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_move_repeated_is_quiet(staff_api, results_gb):
    url = f"/api/v1/results/{results_gb[0].pk}/withhold/"
    assert staff_api.post(url, {"reason": "One."}, format="json").status_code == 200
    assert staff_api.post(url, {"reason": "One."}, format="json").status_code == 200
    assert ResultChange.objects.count() == 1
    grade = f"/api/v1/results/{results_gb[1].pk}/change-grade/"
    body = {"grade": "C", "reason": "Clerical."}
    assert staff_api.post(grade, body, format="json").status_code == 200
    assert staff_api.post(grade, body, format="json").status_code == 200
    assert ResultChange.objects.filter(result=results_gb[1]).count() == 1


def test_move_with_a_bad_body_is_400_and_changes_nothing(staff_api, results_gb):
    url = f"/api/v1/results/{results_gb[0].pk}/change-grade/"
    response = staff_api.post(url, {"grade": "Z", "reason": "x"}, format="json")
    assert response.status_code == 400 and "grade" in response.json()["errors"]
    assert staff_api.post(url, {"grade": "B"}, format="json").status_code == 400
    results_gb[0].refresh_from_db()
    assert results_gb[0].grade == "A"


def test_correction_after_release_keeps_history_and_tells_the_centre(
    officer_gb, staff_user, results_gb
):
    with time_machine.travel(AFTER, tick=False):
        services.change_grade(results_gb[0], grade="A*", by=staff_user, reason="Clerical error.")
    change = ResultChange.objects.get()
    assert (change.from_grade, change.to_grade, change.after_release) == ("A", "A*", True)
    assert Result.objects.get(pk=results_gb[0].pk).amended_at is not None
    notice = Notification.objects.get(user=officer_gb)
    assert "changed" in notice.subject


def test_correction_before_release_tells_nobody(officer_gb, staff_user, results_gb):
    services.change_grade(results_gb[0], grade="A*", by=staff_user, reason="Clerical error.")
    assert not Notification.objects.exists()
    assert Result.objects.get(pk=results_gb[0].pk).amended_at is None
