import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from complaints.models import Complaint
from portal.accounts.models import IdempotentRequest
from portal.api.idempotency import claim_key, sweep_idempotency_keys
from tests.complaints.conftest import SERVICE, pdf
from tests.factories import PASSWORD
from tests.signing_in import api_as

URL = "/api/v1/complaints/"
KEY = "0b6f0f5e-6d4c-4a1b-9a55-3f2a7e1c9d10"


@pytest.mark.django_db
def test_repeat_with_same_key_creates_one_complaint(officer_api, centre_gb):
    first = officer_api.post(URL, SERVICE, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    repeat = officer_api.post(URL, SERVICE, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert first.status_code == repeat.status_code == 201
    assert repeat.json()["reference"] == first.json()["reference"]
    assert repeat.content == first.content
    assert repeat["Idempotent-Replayed"] == "true"
    assert Complaint.objects.count() == 1


@pytest.mark.django_db
def test_without_key_each_post_creates(officer_api, centre_gb):
    officer_api.post(URL, SERVICE, format="json")
    officer_api.post(URL, SERVICE, format="json")
    assert Complaint.objects.count() == 2


@pytest.mark.django_db
def test_different_keys_create_separately(officer_api, centre_gb):
    officer_api.post(URL, SERVICE, format="json", HTTP_IDEMPOTENCY_KEY="first")
    officer_api.post(URL, SERVICE, format="json", HTTP_IDEMPOTENCY_KEY="second")
    assert Complaint.objects.count() == 2


@pytest.mark.django_db
def test_same_key_with_another_body_is_422(officer_api, centre_gb):
    officer_api.post(URL, SERVICE, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    other = officer_api.post(
        URL, {**SERVICE, "subject": "Another"}, format="json", HTTP_IDEMPOTENCY_KEY=KEY
    )
    assert other.status_code == 422
    assert "already used for a different request" in other.json()["detail"]
    assert Complaint.objects.count() == 1


@pytest.mark.django_db
def test_same_key_by_another_person_is_their_own(officer_api, officer_pk, centre_gb, centre_pk):
    first = officer_api.post(URL, SERVICE, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    theirs = api_as(officer_pk).post(URL, SERVICE, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert theirs.status_code == 201
    assert theirs.json()["reference"] != first.json()["reference"]
    assert theirs.json()["centre"] == "PK002"


@pytest.mark.django_db
def test_key_in_flight_answers_409(officer_api, centre_gb):
    officer_api.post(URL, SERVICE, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    # As while the first request was still being answered.
    IdempotentRequest.objects.update(status_code=None, completed_at=None)
    response = officer_api.post(URL, SERVICE, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert response.status_code == 409
    assert response["Retry-After"] == "1"
    assert "still being answered" in response.json()["detail"]
    assert Complaint.objects.count() == 1


@pytest.mark.django_db
def test_key_abandoned_in_flight_may_be_used_again(officer_api, officer_gb, centre_gb):
    claim_key(officer_gb, key=KEY, fingerprint="0" * 64, method="POST", path=URL)
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        response = officer_api.post(URL, SERVICE, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert response.status_code == 201
    assert IdempotentRequest.objects.get().status_code == 201


@pytest.mark.django_db
def test_refused_request_is_remembered_too(officer_api, centre_gb):
    bad = {**SERVICE, "category": "nonsense"}
    first = officer_api.post(URL, bad, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    repeat = officer_api.post(URL, bad, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert first.status_code == repeat.status_code == 400
    assert repeat.json() == first.json()


@pytest.mark.django_db
def test_multipart_repeat_with_new_boundary_is_the_same_request(officer_api, centre_gb):
    def post(boundary):
        from django.test.client import encode_multipart

        data = {**SERVICE, "attachments": pdf()}
        return officer_api.post(
            URL,
            encode_multipart(boundary, data),
            content_type=f"multipart/form-data; boundary={boundary}",
            HTTP_IDEMPOTENCY_KEY=KEY,
        )

    first = post("BoUnDaRyOne")
    repeat = post("AnotherBoundaryTwo")
    assert first.status_code == 201, first.content
    assert repeat.status_code == 201
    assert repeat.json()["reference"] == first.json()["reference"]
    assert Complaint.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "x" * 256, "with space", "caf\u00e9"])
def test_malformed_key_is_400_and_creates_nothing(officer_api, centre_gb, key):
    response = officer_api.post(URL, SERVICE, format="json", headers={"Idempotency-Key": key})
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]
    assert Complaint.objects.count() == 0


@pytest.mark.django_db
def test_anonymous_request_with_key_is_refused_as_without(api_client, centre_gb):
    response = api_client.post(URL, SERVICE, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert response.status_code == 401
    assert not IdempotentRequest.objects.exists()


@pytest.mark.django_db
def test_token_endpoint_ignores_the_key(api_client, officer_gb):
    body = {"username": "officer1", "password": PASSWORD}
    first = api_client.post("/api/v1/auth/token/", body, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    second = api_client.post("/api/v1/auth/token/", body, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert first.json()["token"] != second.json()["token"]
    assert not IdempotentRequest.objects.exists()


@pytest.mark.django_db
def test_key_is_kept_a_day_then_may_be_used_again(officer_api, centre_gb):
    officer_api.post(URL, SERVICE, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        again = officer_api.post(URL, SERVICE, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again
    assert Complaint.objects.count() == 2


@pytest.mark.django_db
def test_sweep_deletes_keys_older_than_a_day(officer_api, centre_gb):
    officer_api.post(URL, SERVICE, format="json", HTTP_IDEMPOTENCY_KEY="old")
    with time_machine.travel(timezone.now() + timedelta(hours=23)):
        officer_api.post(URL, SERVICE, format="json", HTTP_IDEMPOTENCY_KEY="new")
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        deleted = sweep_idempotency_keys(batch=1)
    assert deleted == 1
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.django_db
def test_schema_documents_the_header_on_posts_only(client, officer_gb):
    client.force_login(officer_gb)
    schema = client.get("/api/schema/?format=json").json()
    paths = schema["paths"]

    def has_header(operation):
        return any(p["name"] == "Idempotency-Key" for p in operation.get("parameters", []))

    assert has_header(paths["/api/v1/complaints/"]["post"])
    assert not has_header(paths["/api/v1/complaints/"]["get"])
    assert not has_header(paths["/api/v1/auth/token/"]["post"])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_create_once(officer_gb, centre_gb):
    from complaints.models import Category  # noqa: F401 - the charter fixture loads with it

    people = 4
    barrier = threading.Barrier(people)
    answers = []

    def post():
        client = api_as(officer_gb)
        try:
            barrier.wait()
            answers.append(client.post(URL, SERVICE, format="json", HTTP_IDEMPOTENCY_KEY=KEY))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    created = [a for a in answers if a.status_code == 201]
    assert {a.status_code for a in answers} <= {201, 409}
    assert len({a.json()["reference"] for a in created}) == 1
    assert Complaint.objects.count() == 1


def test_anonymous_request_with_a_key_is_refused_without_its_body_kept(api_client, db):
    response = api_client.generic(
        "POST",
        URL,
        b"x" * 1_000_000,
        content_type="application/octet-stream",
        HTTP_IDEMPOTENCY_KEY=KEY,
    )
    assert response.status_code == 401
    assert IdempotentRequest.objects.count() == 0


def test_body_too_large_to_remember_is_refused_413(officer_api, settings):
    settings.IDEMPOTENCY_MAX_BODY_BYTES = 1000
    response = officer_api.post(
        URL, {**SERVICE, "description": "x" * 2000}, format="json", HTTP_IDEMPOTENCY_KEY=KEY
    )
    assert response.status_code == 413
    assert IdempotentRequest.objects.count() == 0
