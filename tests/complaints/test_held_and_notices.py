import pytest

from complaints import services
from complaints.models import Complaint, ContactRestriction, Criterion
from tests.complaints.conftest import SERVICE
from tests.signing_in import api_as

pytestmark = pytest.mark.django_db

URL = "/api/v1/complaints/"


@pytest.fixture
def held(centre_gb, officer_gb, staff_user):
    ContactRestriction.objects.create(
        user=officer_gb,
        criterion=Criterion.MULTIPLE_CONTACTS,
        action="review_first",
        details="Forty emails in a day.",
        decided_by=staff_user,
        decided_at="2026-01-05T10:00:00Z",
    )
    return services.submit_complaint(data=dict(SERVICE), centre=centre_gb, submitted_by=officer_gb)


def test_release_allowed_and_repeated(staff_api, held):
    first = staff_api.post(f"{URL}{held.reference}/release/")
    again = staff_api.post(f"{URL}{held.reference}/release/")
    assert (first.status_code, first.json()["status"]) == (200, "received")
    assert (again.status_code, again.json()["status"]) == (200, "received")


def test_release_refused_for_a_case_taken_on(staff_api, acknowledged):
    assert staff_api.post(f"{URL}{acknowledged.reference}/release/").status_code == 409


def test_decline_allowed_and_repeated(staff_api, held):
    body = {"reason": "This was answered on 2 January."}
    assert staff_api.post(f"{URL}{held.reference}/decline/", body).json()["status"] == "closed"
    assert staff_api.post(f"{URL}{held.reference}/decline/", body).status_code == 200
    assert held.messages.filter(body=body["reason"]).count() == 1


def test_decline_refused_for_a_case_taken_on(staff_api, complaint):
    body = {"reason": "x"}
    assert staff_api.post(f"{URL}{complaint.reference}/decline/", body).status_code == 409
    assert Complaint.objects.get().status == "received"


def test_assign_refused_before_acknowledgement(staff_api, complaint, staff_user):
    response = staff_api.post(
        f"{URL}{complaint.reference}/assign/", {"assigned_to": staff_user.username}
    )
    assert response.status_code == 409
    assert Complaint.objects.get().assigned_to is None


def test_held_case_is_visible_to_staff_with_its_reason(staff_api, held):
    body = staff_api.get(f"{URL}{held.reference}/").json()
    assert (body["status"], body["deadlines"]) == ("held", [])
    assert "reviewed" in body["held_reason"]


def test_acknowledgement_emails_the_complainant(
    complaint, staff_user, officer_gb, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.acknowledge_complaint(complaint, by=staff_user)
    # The receipt was waiting to be sent too: it goes out with the acknowledgement.
    [sent] = [m for m in mailoutbox if "Acknowledgement" in m.subject]
    assert sent.to == [officer_gb.email]
    assert complaint.reference in sent.subject
    assert "10 working days" in sent.body


def test_every_step_is_audited(escalated, director):
    from portal import audit

    services.decide_escalation(escalated, by=director, decision="The investigation stands.")
    moves = [
        (e.data["from"], e.data["to"]) for e in audit.history_of(escalated).filter(action="status")
    ]
    assert moves == [
        ("received", "acknowledged"),
        ("acknowledged", "answered"),
        ("answered", "escalated"),
        ("escalated", "closed"),
    ]


def test_receipt_email_survives_a_subject_with_line_breaks(
    officer_api, centre_gb, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_api.post(
            URL, {**SERVICE, "subject": "Late papers\r\nBcc: x@example.org"}, format="json"
        )
    assert response.status_code == 201
    assert "\n" not in mailoutbox[0].subject


def test_escalation_tells_the_directors(
    answered, officer_gb, director, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.escalate_complaint(answered, by=officer_gb, reasons="Evidence ignored.")
    [sent] = [m for m in mailoutbox if "Director's review is asked for" in m.subject]
    assert sent.to == [director.email]
    assert "Evidence ignored." in sent.body


def test_officers_inbox_shows_every_step_of_their_complaint(escalated, director, officer_gb):
    from portal.notifications.models import Notification

    services.decide_escalation(escalated, by=director, decision="The investigation stands.")
    steps = Notification.objects.filter(user=officer_gb, reference=escalated.reference)
    assert list(steps.order_by("created_at", "pk").values_list("kind", flat=True)) == [
        "received",
        "acknowledged",
        "answered",
        "decided",
    ]
    inbox = api_as(officer_gb).get("/api/v1/notifications/").json()["results"]
    assert {row["reference"] for row in inbox} == {escalated.reference}


def test_director_sees_the_escalation_in_the_portal_inbox(answered, officer_gb, director):
    from portal.notifications.models import Notification

    services.escalate_complaint(answered, by=officer_gb, reasons="Evidence ignored.")
    [notice] = Notification.objects.filter(user=director)
    assert (notice.kind, notice.reference) == ("escalated", answered.reference)
    assert notice.url == answered.get_absolute_url()
