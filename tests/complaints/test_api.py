import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from complaints.models import Complaint, Message
from portal import audit
from portal.accounts import roles
from portal.uploads.models import Attachment
from tests.complaints.conftest import PDF, SERVICE, html, pdf
from tests.signing_in import api_as

pytestmark = pytest.mark.django_db

URL = "/api/v1/complaints/"


def _url(complaint, action=""):
    return f"{URL}{complaint.reference}/" + (f"{action}/" if action else "")


def test_create_service_complaint_answers_the_case(officer_api, centre_gb):
    response = officer_api.post(URL, SERVICE, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"].startswith("CMP-") and len(body["reference"]) == 15
    assert (body["status"], body["centre"], body["kind"]) == ("received", "GB001", "complaint")
    assert "deadlines" in body and "created_at" in body


def test_create_with_bad_input_answers_field_errors_and_saves_nothing(officer_api, centre_gb):
    response = officer_api.post(
        URL, {"category": "nonsense", "subject": "", "syllabus_code": "58"}, format="json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"category", "subject", "description", "syllabus_code"} <= set(errors)
    assert Complaint.objects.count() == 0


def test_create_for_another_centre_is_refused_like_an_unknown_one(officer_api, centre_pk):
    response = officer_api.post(URL, {**SERVICE, "centre": "PK002"}, format="json")
    unknown = officer_api.post(URL, {**SERVICE, "centre": "XX999"}, format="json")
    assert response.status_code == unknown.status_code == 400
    assert "centre" in response.json()["errors"]
    assert Complaint.objects.count() == 0


def test_create_with_attachment_checks_content(officer_api, centre_gb):
    response = officer_api.post(URL, {**SERVICE, "attachments": [pdf()]}, format="multipart")
    assert response.status_code == 201
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf"
    assert "letter" not in attachment.file.name


def test_create_with_refused_type_answers_415_and_saves_nothing(officer_api, centre_gb):
    response = officer_api.post(URL, {**SERVICE, "attachments": [html()]}, format="multipart")
    assert response.status_code == 415
    assert "attachments" in response.json()["errors"]
    assert (Complaint.objects.count(), Attachment.objects.count()) == (0, 0)


def test_create_with_oversized_file_answers_413_and_saves_nothing(officer_api, centre_gb, settings):
    settings.COMPLAINT_ATTACHMENT_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 2048)
    response = officer_api.post(URL, {**SERVICE, "attachments": [big]}, format="multipart")
    assert response.status_code == 413
    assert (Complaint.objects.count(), Attachment.objects.count()) == (0, 0)


def test_list_shows_only_own_centre(officer_api, officer_pk_api, complaint):
    assert officer_api.get(URL).json()["count"] == 1
    assert officer_pk_api.get(URL).json()["count"] == 0


def test_staff_list_filters(staff_api, complaint, acknowledged):
    assert staff_api.get(URL, {"status": "acknowledged"}).json()["count"] == 1
    assert staff_api.get(URL, {"status": "received"}).json()["count"] == 0
    assert staff_api.get(URL, {"centre": "GB001", "category": "service"}).json()["count"] == 1


@pytest.mark.parametrize(
    "method,action,body",
    [
        ("get", "", None),
        ("post", "escalate", {"reasons": "x"}),
        ("get", "messages", None),
        ("post", "messages", {"body": "hello"}),
        ("get", "attachments", None),
    ],
)
def test_another_centre_gets_404(officer_pk_api, complaint, method, action, body):
    response = getattr(officer_pk_api, method)(_url(complaint, action), body, format="json")
    assert response.status_code == 404


def test_staff_actions_refused_to_officers(officer_api, complaint):
    assert officer_api.post(_url(complaint, "acknowledge")).status_code == 403
    assert Complaint.objects.get().status == "received"


# acknowledge


def test_acknowledge_allowed(staff_api, complaint):
    response = staff_api.post(_url(complaint, "acknowledge"))
    assert response.status_code == 200
    assert response.json()["status"] == "acknowledged"


def test_acknowledge_repeated_is_quiet(staff_api, complaint):
    staff_api.post(_url(complaint, "acknowledge"))
    response = staff_api.post(_url(complaint, "acknowledge"))
    assert response.status_code == 200
    assert audit.history_of(complaint).filter(action="status").count() == 1


def test_acknowledge_refused_after_answer(staff_api, answered):
    assert staff_api.post(_url(answered, "acknowledge")).status_code == 409


# respond


def test_respond_allowed(staff_api, acknowledged):
    response = staff_api.post(_url(acknowledged, "respond"), {"response": "Sorry."})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["response"]) == ("answered", "Sorry.")


def test_respond_needs_a_response(staff_api, acknowledged):
    response = staff_api.post(_url(acknowledged, "respond"), {"response": ""})
    assert response.status_code == 400
    assert "response" in response.json()["errors"]
    assert Complaint.objects.get().status == "acknowledged"


def test_respond_refused_before_acknowledgement(staff_api, complaint):
    assert staff_api.post(_url(complaint, "respond"), {"response": "x"}).status_code == 409


def test_respond_repeated_is_quiet(staff_api, acknowledged):
    staff_api.post(_url(acknowledged, "respond"), {"response": "First."})
    response = staff_api.post(_url(acknowledged, "respond"), {"response": "Second."})
    assert response.status_code == 200
    assert response.json()["response"] == "First."


def test_officer_sees_no_staff_only_fields_and_cannot_filter_by_staff(
    staff_api, officer_api, acknowledged
):
    staff_api.post(_url(acknowledged, "claim"))
    staff_api.post(
        _url(acknowledged, "analyse"),
        {"root_cause": "centre", "improvement_action": "Internal note"},
        format="json",
    )
    seen = officer_api.get(f"/api/v1/complaints/{acknowledged.reference}/").json()
    assert {"assigned_to", "root_cause", "improvement_action"} & set(seen) == set()
    staff_view = staff_api.get(f"/api/v1/complaints/{acknowledged.reference}/").json()
    assert (staff_view["assigned_to"], staff_view["root_cause"]) == ("staffer", "centre")
    everyone = officer_api.get("/api/v1/complaints/").json()["count"]
    assert officer_api.get("/api/v1/complaints/?assigned_to=nobody").json()["count"] == everyone


# claim and assign


def test_claim_allowed_then_refused_to_a_second_person(staff_api, acknowledged, staff_user):
    from tests.factories import StaffFactory

    response = staff_api.post(_url(acknowledged, "claim"))
    assert (response.status_code, response.json()["status"]) == (200, "investigating")
    assert response.json()["assigned_to"] == staff_user.username
    other = api_as(StaffFactory(username="other", roles=[roles.COMPLAINTS_INVESTIGATOR]))
    assert other.post(_url(acknowledged, "claim")).status_code == 409
    assert staff_api.post(_url(acknowledged, "claim")).status_code == 200
    assert Complaint.objects.get().assigned_to == staff_user


def test_claim_refused_before_acknowledgement(staff_api, complaint):
    assert staff_api.post(_url(complaint, "claim")).status_code == 409
    assert Complaint.objects.get().assigned_to is None


def test_assign_hands_over_the_investigation(staff_api, acknowledged):
    from tests.factories import StaffFactory

    manager = StaffFactory(username="manager", roles=[roles.COMPLAINTS_INVESTIGATOR])
    response = staff_api.post(_url(acknowledged, "assign"), {"assigned_to": "manager"})
    assert (response.json()["status"], response.json()["assigned_to"]) == (
        "investigating",
        "manager",
    )
    StaffFactory(username="second", roles=[roles.COMPLAINTS_INVESTIGATOR])
    staff_api.post(_url(acknowledged, "assign"), {"assigned_to": "second"})
    assert Complaint.objects.get().assigned_to.username == "second"
    assert manager.pk


# escalate and decide


def test_escalate_allowed_once(officer_api, answered):
    response = officer_api.post(_url(answered, "escalate"), {"reasons": "Not looked into."})
    assert (response.status_code, response.json()["status"]) == (200, "escalated")
    repeated = officer_api.post(_url(answered, "escalate"), {"reasons": "Again."})
    assert repeated.status_code == 200
    assert Complaint.objects.get().escalation_reasons == "Not looked into."


def test_escalate_needs_reasons(officer_api, answered):
    response = officer_api.post(_url(answered, "escalate"), {"reasons": ""})
    assert response.status_code == 400
    assert Complaint.objects.get().status == "answered"


def test_escalate_refused_before_answer(officer_api, acknowledged):
    assert officer_api.post(_url(acknowledged, "escalate"), {"reasons": "x"}).status_code == 409


def test_decide_closes_the_case(director_api, escalated):
    response = director_api.post(_url(escalated, "decide"), {"decision": "Upheld."})
    assert (response.status_code, response.json()["status"]) == (200, "closed")
    assert director_api.post(_url(escalated, "decide"), {"decision": "x"}).status_code == 200


def test_decide_only_by_a_director(staff_api, escalated):
    assert staff_api.post(_url(escalated, "decide"), {"decision": "x"}).status_code == 403
    assert Complaint.objects.get().status == "escalated"


def test_decide_refused_before_escalation(director_api, answered):
    assert director_api.post(_url(answered, "decide"), {"decision": "x"}).status_code == 409


def test_escalate_refused_after_final_decision(officer_api, director_api, escalated):
    director_api.post(_url(escalated, "decide"), {"decision": "Final."})
    assert officer_api.post(_url(escalated, "escalate"), {"reasons": "x"}).status_code == 409


# extend


def _in_days(days: int) -> str:
    return (timezone.now() + dt.timedelta(days=days)).isoformat()


def test_extend_sends_a_progress_update(staff_api, acknowledged):
    response = staff_api.post(
        _url(acknowledged, "extend"),
        {"due_at": _in_days(60), "reason": "We are consulting the examiner."},
    )
    assert response.status_code == 200
    update = Message.objects.get(kind="progress")
    assert "consulting the examiner" in update.body


def test_extend_refused_after_answer(staff_api, answered):
    body = {"due_at": _in_days(60), "reason": "x"}
    assert staff_api.post(_url(answered, "extend"), body).status_code == 409


def test_extend_more_than_a_year_away_is_refused_and_changes_nothing(staff_api, acknowledged):
    due_before = acknowledged.deadlines.get(code="complaint.respond").due_at
    response = staff_api.post(
        _url(acknowledged, "extend"), {"due_at": _in_days(400), "reason": "Complex"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "errors": {"due_at": ["The new date can be at most 366 days from today."]}
    }
    assert acknowledged.deadlines.get(code="complaint.respond").due_at == due_before
    assert not Message.objects.filter(kind="progress").exists()


def test_extend_tells_the_london_day_the_clock_is_due(staff_api, acknowledged):
    # 00:30 on a summer morning in London is still the evening before in UTC.
    with time_machine.travel(dt.datetime(2027, 5, 3, 9, tzinfo=dt.UTC), tick=False):
        staff_api.post(
            _url(acknowledged, "extend"),
            {"due_at": "2027-06-10T00:30:00+01:00", "reason": "Complex"},
        )
    clock = acknowledged.deadlines.get(code="complaint.respond")
    assert clock.due_at == dt.datetime(2027, 6, 10, 22, 59, 59, 999999, tzinfo=dt.UTC)
    assert "we now aim to respond by 10 June 2027" in Message.objects.get(kind="progress").body


# messages and attachments


def test_messages_thread_between_centre_and_staff(officer_api, staff_api, complaint):
    assert officer_api.post(_url(complaint, "messages"), {"body": "Any news?"}).status_code == 201
    staff_api.post(_url(complaint, "messages"), {"body": "Soon."})
    thread = officer_api.get(_url(complaint, "messages")).json()
    bodies = [(m["from_staff"], m["body"]) for m in thread if m["kind"] == "message"]
    assert bodies == [(False, "Any news?"), (True, "Soon.")]


def test_attachment_added_and_refused(officer_api, complaint):
    added = officer_api.post(_url(complaint, "attachments"), {"file": pdf()}, format="multipart")
    assert added.status_code == 201
    refused = officer_api.post(_url(complaint, "attachments"), {"file": html()}, format="multipart")
    assert refused.status_code == 415
    assert Attachment.objects.count() == 1


def test_staff_list_filters_overdue(staff_api, complaint, time_machine):
    import datetime as dt

    assert staff_api.get(URL, {"due": "overdue"}).json()["count"] == 0
    time_machine.move_to(complaint.created_at + dt.timedelta(days=10), tick=False)
    listed = staff_api.get(URL, {"due": "overdue"}).json()
    assert [case["reference"] for case in listed["results"]] == [complaint.reference]
