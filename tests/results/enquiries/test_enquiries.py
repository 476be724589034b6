import datetime as dt

import pytest
import time_machine

from portal.errors import PortalError
from portal.notifications.models import Notification
from portal.sla.models import Clock
from results.enquiries import services
from results.enquiries.models import Enquiry, ServiceTerms
from tests.factories import StaffFactory
from tests.results.enquiries.conftest import RELEASE
from tests.signing_in import api_as

pytestmark = pytest.mark.django_db

AFTER = RELEASE + dt.timedelta(days=1)
URL = "/api/v1/enquiries/"


def body(result, service="review_of_marking"):
    return {
        "series": result.series.code,
        "candidate_number": result.candidate.candidate_number,
        "syllabus_code": result.syllabus.code,
        "service": service,
    }


def submit(result, officer, *, at=AFTER, service="review_of_marking"):
    return services.submit_enquiry(
        centre=result.centre,
        series=result.series,
        candidate_number=result.candidate.candidate_number,
        syllabus=result.syllabus,
        service=service,
        by=officer,
        at=at,
    )


def clock(case, code):
    return Clock.objects.get(object_id=case.pk, code=code, content_type__model="enquiry")


def test_enquiry_before_release_refused_with_400(officer_api, result_gb):
    with time_machine.travel(RELEASE - dt.timedelta(seconds=1), tick=False):
        response = officer_api.post(URL, body(result_gb), format="json")
    assert response.status_code == 400
    assert "not released yet" in str(response.json())
    assert not Enquiry.objects.exists()


def test_enquiry_after_release_opens_case_with_fee_and_clocks(officer_api, result_gb):
    with time_machine.travel(AFTER, tick=False):
        response = officer_api.post(URL, body(result_gb), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["reference"].startswith("EAR-")
    assert data["status"] == "received"
    assert data["fee"] == "60.00" and data["fee_waived"] is False
    assert {d["code"] for d in data["deadlines"]} == {"ear.acknowledge", "ear.outcome"}
    case = Enquiry.objects.get()
    # ear.acknowledge: 1 week; ear.outcome: 30 days.
    assert clock(case, "ear.acknowledge").due_at.date() == (AFTER + dt.timedelta(weeks=1)).date()
    assert clock(case, "ear.outcome").due_at.date() == (AFTER + dt.timedelta(days=30)).date()
    assert Notification.objects.filter(reference=case.reference, user__is_staff=False).exists()


def test_enquiry_after_the_series_deadline_refused(officer_api, result_gb):
    closes = ServiceTerms.objects.get(series=result_gb.series, service="priority_review").closes_at
    with time_machine.travel(closes + dt.timedelta(seconds=1), tick=False):
        response = officer_api.post(URL, body(result_gb, "priority_review"), format="json")
    assert response.status_code == 400
    assert "deadline" in str(
        response.json()["errors"] if "errors" in response.json() else response.json()
    )
    assert not Enquiry.objects.exists()


def test_enquiry_for_a_service_not_offered_refused(officer_api, result_gb):
    ServiceTerms.objects.filter(service="access_to_script").delete()
    with time_machine.travel(AFTER, tick=False):
        response = officer_api.post(URL, body(result_gb, "access_to_script"), format="json")
    assert response.status_code == 400
    assert not Enquiry.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"service": "regrade"},
        {"candidate_number": "12"},
        {"syllabus_code": "9999"},
        {"series": "X99"},
        {"candidate_number": "0999"},
    ],
)
def test_enquiry_bad_input_refused(officer_api, result_gb, change):
    with time_machine.travel(AFTER, tick=False):
        response = officer_api.post(URL, {**body(result_gb), **change}, format="json")
    assert response.status_code == 400
    assert not Enquiry.objects.exists()


def test_enquiry_about_a_withheld_result_refused(officer_api, result_gb):
    result_gb.status = "withheld"
    result_gb.grade = ""
    result_gb.save()
    with time_machine.travel(AFTER, tick=False):
        response = officer_api.post(URL, body(result_gb), format="json")
    assert response.status_code == 400
    assert not Enquiry.objects.exists()


def test_enquiry_about_another_centres_result_refused_as_unknown(officer_api, result_pk):
    with time_machine.travel(AFTER, tick=False):
        response = officer_api.post(URL, body(result_pk), format="json")
    assert response.status_code == 400
    assert "PK002" not in str(response.json())
    assert not Enquiry.objects.exists()


def test_second_open_enquiry_on_a_result_refused(officer_gb, result_gb):
    first = submit(result_gb, officer_gb)
    with pytest.raises(PortalError, match=first.reference):
        submit(result_gb, officer_gb, service="clerical_recheck")


def test_another_centres_officer_gets_404(officer_gb, officer_pk, result_gb):
    case = submit(result_gb, officer_gb)
    other = api_as(officer_pk)
    assert other.get(f"{URL}{case.reference}/").status_code == 404
    assert other.post(f"{URL}{case.reference}/appeal/", {"grounds": "x"}).status_code == 404
    assert case.reference not in str(other.get(URL).json())


# --- acknowledge ---------------------------------------------------------------------------


def test_acknowledge_allowed_stops_the_clock(staff_api, officer_gb, result_gb):
    case = submit(result_gb, officer_gb)
    with time_machine.travel(AFTER + dt.timedelta(days=2), tick=False):
        response = staff_api.post(f"{URL}{case.reference}/acknowledge/")
    assert response.status_code == 200
    assert response.json()["status"] == "acknowledged"
    assert clock(case, "ear.acknowledge").state == "met"
    assert clock(case, "ear.outcome").state == "running"


def test_acknowledge_refused_to_officer_and_after_outcome(
    officer_api, staff_api, staff_user, officer_gb, result_gb
):
    case = submit(result_gb, officer_gb)
    assert officer_api.post(f"{URL}{case.reference}/acknowledge/").status_code == 403
    services.send_outcome(case, by=staff_user, grade="B", at=AFTER)
    assert staff_api.post(f"{URL}{case.reference}/acknowledge/").status_code == 409


def test_acknowledge_repeated_is_quiet(staff_api, officer_gb, result_gb):
    case = submit(result_gb, officer_gb)
    staff_api.post(f"{URL}{case.reference}/acknowledge/")
    again = staff_api.post(f"{URL}{case.reference}/acknowledge/")
    assert again.status_code == 200 and again.json()["status"] == "acknowledged"
    assert Notification.objects.filter(reference=case.reference, kind="acknowledged").count() == 1


# --- outcome -------------------------------------------------------------------------------


def test_outcome_confirming_the_grade_keeps_the_fee(staff_api, officer_gb, result_gb):
    case = submit(result_gb, officer_gb)
    response = staff_api.post(
        f"{URL}{case.reference}/outcome/", {"grade": "B", "note": "Marked correctly."}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"
    assert response.json()["fee_waived"] is False
    result_gb.refresh_from_db()
    assert result_gb.grade == "B" and not result_gb.changes.exists()
    assert clock(case, "ear.outcome").state == "met"
    assert clock(case, "ear.acknowledge").state == "met"


def test_outcome_changing_the_grade_waives_the_fee_and_updates_the_result(
    staff_api, officer_gb, result_gb
):
    case = submit(result_gb, officer_gb)
    response = staff_api.post(
        f"{URL}{case.reference}/outcome/", {"grade": "A", "note": "Re-marked."}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "changed"
    assert response.json()["fee_waived"] is True
    result_gb.refresh_from_db()
    assert result_gb.grade == "A"
    change = result_gb.changes.get()
    assert (change.from_grade, change.to_grade) == ("B", "A")
    assert case.reference in change.reason
    with time_machine.travel(AFTER, tick=False):
        officer_view = api_as(officer_gb).get(f"/api/v1/results/{result_gb.pk}/").json()
    assert officer_view["grade"] == "A"
    assert Notification.objects.filter(reference=case.reference, kind="decided").exists()


def test_outcome_by_staff_without_results_role_still_changes_the_grade(officer_gb, result_gb):
    from portal.accounts.models import User  # noqa: F401
    from portal.accounts.roles import RESULTS_TEAM

    staff = StaffFactory(username="ear-only", roles=[RESULTS_TEAM])
    case = submit(result_gb, officer_gb)
    case = services.send_outcome(case, by=staff, grade="C", at=AFTER)
    result_gb.refresh_from_db()
    assert result_gb.grade == "C" and case.fee_waived


def test_outcome_refused_to_officer_bad_grade_and_after_outcome(
    officer_api, staff_api, officer_gb, result_gb
):
    case = submit(result_gb, officer_gb)
    url = f"{URL}{case.reference}/outcome/"
    assert officer_api.post(url, {"grade": "A"}).status_code == 403
    assert staff_api.post(url, {"grade": "Z"}).status_code == 400
    assert staff_api.post(url, {}).status_code == 400
    assert Enquiry.objects.get().status == "received"
    assert staff_api.post(url, {"grade": "B"}).status_code == 200
    # Repeated with the same grade: quiet; with another: the outcome is sent already.
    assert staff_api.post(url, {"grade": "B"}).status_code == 200
    assert staff_api.post(url, {"grade": "A"}).status_code == 409
    result_gb.refresh_from_db()
    assert result_gb.grade == "B"


# --- appeal --------------------------------------------------------------------------------


def test_appeal_allowed_after_outcome_and_repeated_quietly(
    officer_api, staff_user, officer_gb, result_gb
):
    case = submit(result_gb, officer_gb)
    services.send_outcome(case, by=staff_user, grade="B", at=AFTER)
    url = f"{URL}{case.reference}/appeal/"
    with time_machine.travel(AFTER + dt.timedelta(days=5), tick=False):
        response = officer_api.post(url, {"grounds": "Part 2 was not marked."})
        assert response.status_code == 200
        assert response.json()["status"] == "appealed"
        assert officer_api.post(url, {"grounds": "Again."}).status_code == 200
    assert Enquiry.objects.get().appeal_grounds == "Part 2 was not marked."


def test_appeal_refused_before_outcome_to_staff_and_after_the_window(
    officer_api, staff_api, staff_user, officer_gb, result_gb
):
    case = submit(result_gb, officer_gb)
    url = f"{URL}{case.reference}/appeal/"
    assert officer_api.post(url, {"grounds": "Wrong."}).status_code == 409
    services.send_outcome(case, by=staff_user, grade="B", at=AFTER)
    assert staff_api.post(url, {"grounds": "Wrong."}).status_code == 403
    assert officer_api.post(url, {"grounds": ""}).status_code == 400
    with time_machine.travel(
        AFTER + dt.timedelta(days=services.APPEAL_DAYS, seconds=1), tick=False
    ):
        response = officer_api.post(url, {"grounds": "Wrong."})
    assert response.status_code == 400
    assert Enquiry.objects.get().status == "confirmed"


def test_decide_appeal_changing_the_grade_waives_the_fee(
    officer_gb, staff_api, officer_api, staff_user, result_gb
):
    case = submit(result_gb, officer_gb)
    services.send_outcome(case, by=staff_user, grade="B", at=AFTER)
    services.appeal_outcome(case, by=officer_gb, grounds="Part 2.", at=AFTER)
    url = f"{URL}{case.reference}/decide-appeal/"
    with time_machine.travel(AFTER + dt.timedelta(days=1), tick=False):
        assert officer_api.post(url, {"grade": "A", "note": "x"}).status_code == 403
        assert staff_api.post(url, {"grade": "A"}).status_code == 400
        response = staff_api.post(url, {"grade": "A", "note": "Part 2 re-marked."})
        assert response.status_code == 200
        assert response.json()["status"] == "appeal_decided"
        assert response.json()["fee_waived"] is True
        assert staff_api.post(url, {"grade": "A", "note": "Again."}).status_code == 200
    result_gb.refresh_from_db()
    assert result_gb.grade == "A" and result_gb.changes.count() == 1


def test_decide_appeal_refused_when_not_appealed(staff_api, officer_gb, result_gb):
    case = submit(result_gb, officer_gb)
    response = staff_api.post(f"{URL}{case.reference}/decide-appeal/", {"grade": "A", "note": "x"})
    assert response.status_code == 409


# --- pages ---------------------------------------------------------------------------------


def test_officer_pages_list_form_and_case(client, officer_gb, result_gb):
    case = submit(result_gb, officer_gb)
    with time_machine.travel(AFTER, tick=False):
        client.force_login(officer_gb)
        assert case.reference in client.get("/enquiries/").content.decode()
        page = client.get(f"/enquiries/new/?result={result_gb.pk}")
        assert page.status_code == 200
        assert 'value="0001"' in page.content.decode()
        assert client.get(case.get_absolute_url()).status_code == 200


def test_officer_form_bad_input_shows_errors_and_saves_nothing(client, officer_gb, result_gb):
    with time_machine.travel(RELEASE - dt.timedelta(days=1), tick=False):
        client.force_login(officer_gb)
        response = client.post(
            "/enquiries/new/",
            {
                "centre": result_gb.centre_id,
                "series": result_gb.series_id,
                "candidate_number": "0001",
                "syllabus": result_gb.syllabus_id,
                "service": "review_of_marking",
            },
        )
        assert response.status_code == 400
        assert "not released yet" in response.content.decode()
        assert client.post("/enquiries/new/", {}).status_code == 400
    assert not Enquiry.objects.exists()


def test_other_centres_officer_gets_404_on_the_page(client, officer_gb, officer_pk, result_gb):
    case = submit(result_gb, officer_gb)
    client.force_login(officer_pk)
    assert client.get(case.get_absolute_url()).status_code == 404


def test_staff_send_outcome_on_the_page_and_queue_lists_it(staff_client, officer_gb, result_gb):
    case = submit(result_gb, officer_gb)
    assert case.reference in staff_client.get("/admin/enquiries/enquiry/").content.decode()
    response = staff_client.post(
        f"/enquiries/{case.reference}/outcome/", {"outcome-grade": "A", "outcome-note": ""}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "changed" and case.fee_waived
    refused = staff_client.post(f"/enquiries/{case.reference}/outcome/", {"outcome-grade": ""})
    assert refused.status_code in (400, 409)
