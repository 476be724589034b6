import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from entries.arrangements import services
from entries.arrangements.models import SpecialConsideration
from entries.models import Entry
from portal.calendar import LONDON
from portal.errors import PortalError
from portal.notifications.models import Notification
from portal.sla.models import Clock
from tests.entries.arrangements.conftest import SC_URL, apply_sc, timetable
from tests.signing_in import api_as

Status = SpecialConsideration.Status
BODY = {"series": "N27", "candidate_number": "0001", "syllabus_code": "0580", "reason": "Alarm."}


def test_minimal_contract_body_applies_as_present_but_disadvantaged(officer_api, candidate):
    response = officer_api.post(SC_URL, BODY, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"].startswith("SC-")
    assert body["status"] == "received"
    assert body["category"] == "present_disadvantaged"
    assert body["syllabus_code"] == "0580"
    assert [(d["code"], d["state"]) for d in body["deadlines"]] == [("sc.process", "running")]


@pytest.mark.parametrize(
    "category", ["present_disadvantaged", "coursework_shortfall", "coursework_lost"]
)
def test_each_category_accepted(officer_api, candidate, category):
    response = officer_api.post(SC_URL, {**BODY, "category": category}, format="json")

    assert response.status_code == 201
    assert response.json()["category"] == category


def test_absence_needs_half_the_assessment_completed(officer_api, candidate):
    refused = officer_api.post(SC_URL, {**BODY, "category": "absent"}, format="json")
    accepted = officer_api.post(
        SC_URL, {**BODY, "category": "absent", "half_completed": True}, format="json"
    )

    assert refused.status_code == 400
    assert "at least half" in refused.json()["errors"]["half_completed"][0]
    assert accepted.status_code == 201
    assert accepted.json()["half_completed"] is True
    assert SpecialConsideration.objects.count() == 1


def test_window_closes_seven_days_after_the_last_paper(officer_gb, candidate, syllabus, series):
    timetable(series, syllabus, dt.date(2027, 5, 3), dt.date(2027, 5, 10))
    with time_machine.travel(dt.datetime(2027, 5, 17, 23, 59, tzinfo=LONDON), tick=False):
        assert apply_sc(officer_gb, candidate, syllabus).status == Status.RECEIVED
    SpecialConsideration.objects.all().delete()
    with (
        time_machine.travel(dt.datetime(2027, 5, 18, 0, 1, tzinfo=LONDON), tick=False),
        pytest.raises(PortalError) as refused,
    ):
        apply_sc(officer_gb, candidate, syllabus)
    assert refused.value.field == "syllabus_code"
    assert refused.value.message == (
        "Special consideration for 0580 in November 2027 had to be applied for by "
        "17 May 2027, 7 days after its last paper."
    )


def test_refused_before_the_first_paper_through_the_api_naming_its_day(
    officer_api, candidate, syllabus, series
):
    first = timezone.now().date() + dt.timedelta(days=60)
    timetable(series, syllabus, first, first + dt.timedelta(days=7))

    response = officer_api.post(SC_URL, BODY, format="json")

    assert response.status_code == 400
    assert response.json()["errors"]["syllabus_code"] == [
        "Special consideration is for candidates affected at the time of an exam: for 0580 "
        f"in November 2027 it can be applied for from {first.day} {first:%B %Y}, the day of "
        "its first paper."
    ]
    assert not SpecialConsideration.objects.exists()
    assert not Clock.objects.exists()


def test_window_opens_on_the_first_papers_day_in_the_centres_own_zone(
    officer_gb, officer_pk, candidate, candidate_pk, syllabus, series
):
    timetable(series, syllabus, dt.date(2027, 5, 3), dt.date(2027, 5, 10))
    # 23:30 in London on 2 May is already 3 May in Karachi.
    with time_machine.travel(dt.datetime(2027, 5, 2, 23, 30, tzinfo=LONDON), tick=False):
        with pytest.raises(PortalError, match="from 3 May 2027, the day of its first paper"):
            apply_sc(officer_gb, candidate, syllabus)
        assert apply_sc(officer_pk, candidate_pk, syllabus).status == Status.RECEIVED
    with time_machine.travel(dt.datetime(2027, 5, 3, 0, 1, tzinfo=LONDON), tick=False):
        assert apply_sc(officer_gb, candidate, syllabus).status == Status.RECEIVED


def test_syllabus_without_a_timetabled_paper_taken_until_results_release(
    officer_gb, candidate, syllabus, series
):
    assert services.consideration_closes_at(series, syllabus) == series.results_release_at
    with (
        time_machine.travel(series.results_release_at + dt.timedelta(minutes=1)),
        pytest.raises(PortalError, match="had to be applied for"),
    ):
        apply_sc(officer_gb, candidate, syllabus)


def test_late_application_through_api_is_400_and_saves_nothing(
    officer_api, candidate, syllabus, series
):
    timetable(series, syllabus, timezone.now().date() - dt.timedelta(days=9))

    response = officer_api.post(SC_URL, BODY, format="json")

    assert response.status_code == 400
    assert "7 days after its last paper" in response.json()["errors"]["syllabus_code"][0]
    assert not SpecialConsideration.objects.exists()
    assert not Clock.objects.exists()


def test_candidate_not_entered_for_the_syllabus_refused(officer_api, candidate):
    Entry.objects.filter(candidate=candidate).update(status=Entry.Status.WITHDRAWN)

    response = officer_api.post(SC_URL, BODY, format="json")

    assert response.status_code == 400
    assert response.json()["errors"]["syllabus_code"] == [
        "Candidate 0001 is not entered for 0580 in November 2027."
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"syllabus_code": "9999"}, "syllabus_code"),
        ({"syllabus_code": "abc"}, "syllabus_code"),
        ({"candidate_number": "0002"}, "candidate_number"),
        ({"category": "bored"}, "category"),
        ({"reason": "   "}, "reason"),
    ],
)
def test_bad_input_is_a_field_error_and_saves_nothing(
    officer_api, candidate, candidate_pk, change, field
):
    response = officer_api.post(SC_URL, {**BODY, **change}, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not SpecialConsideration.objects.exists()


def test_second_application_while_one_waits_refused(officer_api, candidate, sc):
    response = officer_api.post(SC_URL, BODY, format="json")

    assert response.status_code == 400
    assert sc.reference in response.json()["errors"]["syllabus_code"][0]


# Moves: allowed, refused (403 role, 409 status) and repeated.


def test_grant_with_adjustment_stops_clock_and_tells_officers(specialist, officer_gb, sc):
    response = api_as(specialist).post(
        f"{SC_URL}{sc.reference}/grant/", {"adjustment_percent": 3}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "granted"
    assert response.json()["adjustment_percent"] == 3
    assert list(Clock.objects.for_case(sc).values_list("state", flat=True)) == ["met"]
    notice = Notification.objects.get(user=officer_gb, kind="decided")
    assert "3% of the maximum mark" in notice.body


@pytest.mark.parametrize("body", [{}, {"adjustment_percent": 0}, {"adjustment_percent": 40}])
def test_grant_needs_an_adjustment_from_1_to_25(specialist, sc, body):
    response = api_as(specialist).post(f"{SC_URL}{sc.reference}/grant/", body, format="json")

    assert response.status_code == 400
    assert "adjustment_percent" in response.json()["errors"]
    assert SpecialConsideration.objects.get(pk=sc.pk).status == Status.RECEIVED


def test_grant_refused_to_officer_and_director(officer_api, director, sc):
    body = {"adjustment_percent": 3}
    assert officer_api.post(f"{SC_URL}{sc.reference}/grant/", body).status_code == 403
    assert api_as(director).post(f"{SC_URL}{sc.reference}/grant/", body).status_code == 403


def test_grant_repeated_is_quiet_decline_after_it_409(specialist, officer_gb, sc):
    api = api_as(specialist)
    api.post(f"{SC_URL}{sc.reference}/grant/", {"adjustment_percent": 3}, format="json")

    again = api.post(f"{SC_URL}{sc.reference}/grant/", {"adjustment_percent": 3}, format="json")
    declined = api.post(f"{SC_URL}{sc.reference}/decline/", {"reason": "No."}, format="json")

    assert again.status_code == 200
    assert declined.status_code == 409
    assert Notification.objects.filter(user=officer_gb, kind="decided").count() == 1


def test_decline_says_why_and_offers_appeal(specialist, officer_gb, sc):
    response = api_as(specialist).post(
        f"{SC_URL}{sc.reference}/decline/", {"reason": "Not affected."}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "not_granted"
    assert response.json()["decision_note"] == "Not affected."
    assert "appeal" in Notification.objects.get(user=officer_gb, kind="decided").body


def test_decline_repeated_is_quiet(specialist, sc):
    api = api_as(specialist)
    api.post(f"{SC_URL}{sc.reference}/decline/", {"reason": "No."}, format="json")

    assert api.post(f"{SC_URL}{sc.reference}/decline/", {"reason": "No."}).status_code == 200


def test_process_clock_due_in_two_working_days(officer_gb, candidate, syllabus):
    with time_machine.travel(dt.datetime(2026, 12, 24, 10, 0, tzinfo=LONDON), tick=False):
        case = apply_sc(officer_gb, candidate, syllabus)

    due = Clock.objects.for_case(case).get().due_at.astimezone(LONDON).date()
    assert due == dt.date(2026, 12, 30)


def test_another_centres_officer_gets_404(officer_pk, sc):
    api = api_as(officer_pk)

    assert api.get(f"{SC_URL}{sc.reference}/").status_code == 404
    assert api.post(f"{SC_URL}{sc.reference}/grant/", {"adjustment_percent": 2}).status_code in (
        403,
        404,
    )
    assert api.get(SC_URL).json()["count"] == 0
