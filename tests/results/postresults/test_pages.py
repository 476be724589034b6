"""The post-results pages: officers ask and follow, the results team acts from the case
page, learners apply without an account; another centre's officer gets 404."""

import pytest
from django.urls import reverse

from portal.notifications.models import Email
from results.postresults.models import ServiceRequest
from tests.results.postresults.conftest import learner_application
from tests.signing_in import sign_in

Status = ServiceRequest.Status


def test_officer_asks_for_paper_copies_on_the_form(
    client, now, officer_gb, centre_gb, june, candidate
):
    sign_in(client, officer_gb)
    data = {"centre": centre_gb.pk, "service": "paper_copies", "series": june.pk,
            "candidate_number": "0001"}  # fmt: skip

    response = client.post(reverse("postresults:create"), data)

    case = ServiceRequest.objects.get()
    assert response.status_code == 302 and response.url == case.get_absolute_url()
    page = client.get(reverse("postresults:list")).content.decode()
    assert case.reference in page and "Paper copies of results" in page


def test_officer_form_with_an_unknown_candidate_shows_the_error(
    client, now, officer_gb, centre_gb, june, candidate
):
    sign_in(client, officer_gb)
    data = {"centre": centre_gb.pk, "service": "paper_copies", "series": june.pk,
            "candidate_number": "0999"}  # fmt: skip

    response = client.post(reverse("postresults:create"), data)

    assert response.status_code == 400
    assert "GB001 has no candidate 0999" in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_another_centres_officer_gets_404(client, paper_copies, officer_pk):
    sign_in(client, officer_pk)

    assert client.get(paper_copies.get_absolute_url()).status_code == 404
    response = client.post(reverse("postresults:withdraw", args=[paper_copies.reference]))
    assert response.status_code == 404
    assert paper_copies.reference not in client.get(reverse("postresults:list")).content.decode()


def test_staff_despatch_from_the_case_page(staff_client, paper_copies):
    url = reverse("postresults:despatch", args=[paper_copies.reference])

    response = staff_client.post(url, {"despatch-note": "Tracked."})

    paper_copies.refresh_from_db()
    assert response.status_code == 302 and paper_copies.status == Status.DESPATCHED


def test_staff_decline_without_a_reason_is_shown_again(staff_client, paper_copies):
    url = reverse("postresults:decline", args=[paper_copies.reference])

    response = staff_client.post(url, {"decline-reason": ""})

    paper_copies.refresh_from_db()
    assert response.status_code == 400 and paper_copies.status == Status.RECEIVED


def test_officer_may_not_despatch(client, paper_copies, officer_gb):
    sign_in(client, officer_gb)

    response = client.post(reverse("postresults:despatch", args=[paper_copies.reference]))

    assert response.status_code == 403


def test_staff_queue_lists_the_request(staff_client, paper_copies):
    response = staff_client.get(reverse("admin:postresults_servicerequest_changelist"))

    assert response.status_code == 200 and paper_copies.reference in response.content.decode()


def test_learner_applies_without_an_account(client, now, june):
    data = {**learner_application(june), "series": june.pk, "website": ""}

    response = client.post(reverse("postresults:public"), data)

    assert response.status_code == 302
    case = ServiceRequest.objects.get()
    sent = client.get(response.url).content.decode()
    assert case.reference in sent
    assert Email.objects.filter(address="amira@example.org").count() == 1


def test_learner_form_not_correctly_completed_shows_errors(client, now, june):
    data = {**learner_application(june), "series": june.pk, "candidate_number": "",
            "centre_number": ""}  # fmt: skip

    response = client.post(reverse("postresults:public"), data)

    assert response.status_code == 400
    assert "Give your UCI" in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_learner_form_filled_by_a_robot_is_refused(client, now, june):
    data = {**learner_application(june), "series": june.pk, "website": "http://spam"}

    response = client.post(reverse("postresults:public"), data)

    assert response.status_code == 400 and not ServiceRequest.objects.exists()


@pytest.mark.django_db
def test_learner_form_is_rate_limited(client, now, june, settings):
    settings.COMPLAINT_PUBLIC_LIMIT_PER_HOUR = 1
    data = {**learner_application(june), "series": june.pk}
    client.post(reverse("postresults:public"), data)

    response = client.post(reverse("postresults:public"), data)

    assert response.status_code == 429
    assert ServiceRequest.objects.count() == 1
