import pytest
from django.urls import reverse

from complaints import services
from complaints.models import Complaint, Message
from portal.uploads.models import Attachment
from tests.complaints.conftest import PDF, SERVICE, html, pdf
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db


def _form(**extra):
    return {
        "centre": "",
        "category": "service",
        "formal": "yes",
        "subject": SERVICE["subject"],
        "description": SERVICE["description"],
        "syllabus_code": "0580",
        **extra,
    }


@pytest.fixture
def officer_client(client, officer_gb):
    sign_in(client, officer_gb)
    return client


@pytest.fixture
def other_client(client, officer_pk):
    sign_in(client, officer_pk)
    return client


def test_list_and_detail_for_own_centre(officer_client, complaint):
    listed = officer_client.get(reverse("complaints:list"))
    assert complaint.reference in listed.text
    detail = officer_client.get(complaint.get_absolute_url())
    assert detail.status_code == 200
    assert complaint.description in detail.text


def test_create_page_explains_routes_before_submitting(officer_client, centre_gb):
    page = officer_client.get(reverse("complaints:create"))
    assert page.status_code == 200
    assert "enquiry about results" in page.text
    assert "school&#x27;s own complaints procedure" in page.text


def test_create_page_raises_a_complaint_with_attachment(officer_client, centre_gb):
    response = officer_client.post(
        reverse("complaints:create"), _form(centre=centre_gb.pk, attachments=[pdf()])
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response.url == complaint.get_absolute_url()
    assert (complaint.status, complaint.centre, complaint.files.count()) == (
        "received",
        centre_gb,
        1,
    )


def test_create_page_bad_input_shows_field_errors_and_saves_nothing(officer_client, centre_gb):
    response = officer_client.post(
        reverse("complaints:create"), _form(centre=centre_gb.pk, subject="", syllabus_code="1")
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"subject", "syllabus_code"}
    assert Complaint.objects.count() == 0


def test_create_page_refused_type_saves_nothing(officer_client, centre_gb):
    response = officer_client.post(
        reverse("complaints:create"), _form(centre=centre_gb.pk, attachments=[html()])
    )
    assert "attachments" in response.context["form"].errors
    assert (Complaint.objects.count(), Attachment.objects.count()) == (0, 0)


def test_create_page_oversized_file_saves_nothing(officer_client, centre_gb, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.COMPLAINT_ATTACHMENT_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 2048)
    response = officer_client.post(
        reverse("complaints:create"), _form(centre=centre_gb.pk, attachments=[big])
    )
    assert "limit" in str(response.context["form"].errors["attachments"])
    assert Complaint.objects.count() == 0


def test_create_page_refuses_another_centre(officer_client, centre_pk):
    response = officer_client.post(reverse("complaints:create"), _form(centre=centre_pk.pk))
    assert "centre" in response.context["form"].errors
    assert Complaint.objects.count() == 0


def test_redirected_submission_tells_where_it_went(officer_client, centre_gb):
    response = officer_client.post(
        reverse("complaints:create"), _form(centre=centre_gb.pk, category="results"), follow=True
    )
    assert "enquiry about results" in response.text
    assert Complaint.objects.get().status == "redirected"


def test_reply_adds_to_the_thread(officer_client, complaint):
    response = officer_client.post(
        reverse("complaints:reply", args=[complaint.reference]), {"reply-body": "Any news?"}
    )
    assert response.status_code == 302
    assert complaint.messages.filter(kind="message", body="Any news?").exists()


def test_escalate_page_action(officer_client, answered):
    url = reverse("complaints:escalate", args=[answered.reference])
    officer_client.post(url, {"escalate-reasons": "The investigation missed our evidence."})
    assert Complaint.objects.get().status == "escalated"


def test_escalate_page_action_refused_before_answer(officer_client, acknowledged):
    url = reverse("complaints:escalate", args=[acknowledged.reference])
    response = officer_client.post(url, {"escalate-reasons": "x"})
    assert response.status_code == 400
    assert "cannot move to escalated" in response.text
    assert Complaint.objects.get().status == "acknowledged"


def test_attachment_served_as_download_with_nosniff(officer_client, centre_gb, officer_gb):
    complaint = services.submit_complaint(
        data=dict(SERVICE), centre=centre_gb, submitted_by=officer_gb, files=[pdf()]
    )
    item = complaint.files.get()
    response = officer_client.get(item.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize(
    "name,method",
    [
        ("detail", "get"),
        ("reply", "post"),
        ("escalate", "post"),
        ("acknowledge", "post"),
    ],
)
def test_another_centre_gets_404_on_pages(other_client, complaint, name, method):
    url = reverse(f"complaints:{name}", args=[complaint.reference])
    response = getattr(other_client, method)(url, {"reply-body": "x", "escalate-reasons": "x"})
    assert response.status_code == 404
    assert Message.objects.filter(body="x").count() == 0


def test_another_centre_gets_404_on_attachments(other_client, centre_gb, officer_gb):
    complaint = services.submit_complaint(
        data=dict(SERVICE), centre=centre_gb, submitted_by=officer_gb, files=[pdf()]
    )
    response = other_client.get(complaint.files.get().get_absolute_url())
    assert response.status_code == 404


def test_staff_page_actions_refused_to_officers(officer_client, complaint):
    url = reverse("complaints:acknowledge", args=[complaint.reference])
    assert officer_client.post(url).status_code == 403


def test_staff_acknowledge_and_respond_from_the_case_page(staff_client, complaint):
    staff_client.post(reverse("complaints:acknowledge", args=[complaint.reference]))
    staff_client.post(
        reverse("complaints:respond", args=[complaint.reference]),
        {
            "respond-response": "Sorry.",
            "respond-root_cause": "supplier",
            "respond-improvement_action": "New courier.",
        },
    )
    saved = Complaint.objects.get()
    assert (saved.status, saved.root_cause) == ("answered", "supplier")
    page = staff_client.get(saved.get_absolute_url())
    assert "Sorry." in page.text


def test_home_page_shows_open_complaints(officer_client, complaint):
    page = officer_client.get(reverse("home"))
    assert complaint.reference in page.text
    assert reverse("complaints:list") in page.text


def test_pages_need_sign_in(client, complaint):
    response = client.get(complaint.get_absolute_url())
    assert response.status_code == 302


def _queries_for_list(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("complaints:list")).status_code == 200
    return len(queries)


def test_list_queries_do_not_grow_with_the_cases(officer_client, centre_gb, officer_gb):
    services.submit_complaint(data=dict(SERVICE), centre=centre_gb, submitted_by=officer_gb)
    one = _queries_for_list(officer_client)
    for _ in range(5):
        services.submit_complaint(data=dict(SERVICE), centre=centre_gb, submitted_by=officer_gb)
    assert _queries_for_list(officer_client) == one
