import pytest
from django.urls import reverse

from complaints.models import Complaint
from tests.complaints.conftest import html, pdf

pytestmark = pytest.mark.django_db

URL = "/complaints/public/"


def _form(**extra):
    return {
        "submitter_type": "learner",
        "contact_name": "Grace Adams",
        "contact_email": "grace@example.org",
        "category": "service",
        "direct_service": "certifying_statement",
        "subject": "Certifying statement not received",
        "description": "I applied six weeks ago and have heard nothing.",
        **extra,
    }


def test_public_form_shown_without_account(client):
    page = client.get(URL)
    assert page.status_code == 200
    assert "certifying statement" in page.text.lower()


def test_public_complaint_about_a_direct_service_is_taken_on_and_confirmed(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, _form(attachments=[pdf()]))
    assert response.status_code == 302 and response.url == reverse("complaints:public_sent")
    complaint = Complaint.objects.get()
    assert (complaint.status, complaint.submitter_type, complaint.centre) == (
        "received",
        "learner",
        None,
    )
    assert [m.to for m in mailoutbox] == [["Grace Adams <grace@example.org>"]]
    assert complaint.reference in mailoutbox[0].body
    sent = client.get(response.url)
    assert complaint.reference in sent.text


def test_public_complaint_about_the_school_goes_to_its_procedure_and_says_why(client):
    response = client.post(URL, _form(category="school", direct_service=""), follow=True)
    complaint = Complaint.objects.get()
    assert (complaint.kind, complaint.route) == ("dissatisfaction", "school_procedure")
    assert "own complaints procedure" in response.text


def test_public_complaint_about_another_service_goes_to_the_school(client):
    client.post(URL, _form(direct_service=""))
    assert Complaint.objects.get().route == "school_procedure"


def test_public_form_spam_trap_saves_nothing(client, mailoutbox):
    response = client.post(URL, _form(website="http://spam.example"))
    assert response.status_code == 400
    assert Complaint.objects.count() == 0
    assert mailoutbox == []


def test_public_form_rate_limited_per_address(client, settings):
    settings.COMPLAINT_PUBLIC_LIMIT_PER_HOUR = 2
    for n in range(2):
        client.post(URL, _form(contact_email=f"person{n}@example.org"))
    refused = client.post(URL, _form(contact_email="third@example.org"))
    assert refused.status_code == 429
    assert Complaint.objects.count() == 2


def test_public_form_rate_limited_per_email(client, settings):
    settings.COMPLAINT_PUBLIC_LIMIT_PER_HOUR = 1
    client.post(URL, _form(), REMOTE_ADDR="10.0.0.1")
    refused = client.post(URL, _form(), REMOTE_ADDR="10.0.0.2")
    assert refused.status_code == 429
    assert Complaint.objects.count() == 1


def test_public_form_bad_input_saves_nothing(client):
    response = client.post(URL, _form(contact_email="not-an-address", description=""))
    assert response.status_code == 400
    assert {"contact_email", "description"} <= set(response.context["form"].errors)
    assert Complaint.objects.count() == 0


def test_public_form_refused_attachment_saves_nothing(client):
    response = client.post(URL, _form(attachments=[html()]))
    assert "attachments" in response.context["form"].errors
    assert Complaint.objects.count() == 0
