"""The resumable upload protocol end to end, on both backends: local storage served by the
portal, and S3 (moto's server on 127.0.0.1) with presigned part URLs."""

import hashlib
import os

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.utils import timezone

from portal.audit import history_of
from portal.uploads.models import Attachment, Upload
from portal.uploads.services import MAX_PARTS, choose_part_size
from tests.uploads.resumable import (
    PART_SIZE,
    chunks,
    complete,
    part_urls,
    put,
    send,
    start,
    start_url,
    upload_whole,
)
from tests.uploads.samples import HTML, PDF, PNG

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uploads_urls")]

# Three parts and a bit: the last part is shorter than the others.
CONTENT = PDF + os.urandom(3 * PART_SIZE + 1234 - len(PDF))


@pytest.fixture(autouse=True)
def _small_parts(settings):
    settings.UPLOADS_MIN_PART_SIZE = PART_SIZE


@pytest.fixture(params=["local", "s3"])
def backend(request):
    if request.param == "s3":
        request.getfixturevalue("bucket")
    return request.param


def _started(api, complaint, content=CONTENT, **extra) -> tuple[str, int]:
    answer = start(api, complaint, size=len(content), **extra)
    assert answer.status_code == 201, answer.json()
    return answer.json()["id"], answer.json()["part_size"]


def _stored(upload_id) -> bytes:
    key = Upload.objects.get(public_id=upload_id).key
    with default_storage.open(key, "rb") as stored:
        return stored.read()


def test_start_answers_id_part_size_and_status(officer_api, complaint, backend):
    answer = start(officer_api, complaint, size=len(CONTENT))
    assert answer.status_code == 201
    upload = Upload.objects.get()
    assert answer.json() == {
        "id": str(upload.public_id),
        "part_size": PART_SIZE,
        "status": "uploading",
    }
    assert (upload.backend, upload.labels) == (
        backend,
        {"kind": "evidence", "candidate_number": "0001"},
    )
    assert (upload.case, upload.started_by, upload.filename) == (
        complaint,
        upload.started_by,
        "work.pdf",
    )


@pytest.mark.parametrize(
    ("filename", "size", "status"),
    [
        ("work.xyz", 1000, 415),
        ("no-extension", 1000, 415),
        ("photo.png", 15 * 1024 * 1024 + 1, 413),
        ("film.mp4", 5 * 1024**3 + 1, 413),
    ],
)
def test_start_refuses_type_or_size_before_any_byte(officer_api, complaint, filename, size, status):
    answer = start(officer_api, complaint, filename=filename, size=size)
    assert answer.status_code == status
    assert filename in answer.json()["errors"]["filename"][0]
    assert Upload.objects.count() == 0


def test_start_refuses_bad_bodies_with_field_errors(officer_api, complaint):
    answers = [
        officer_api.post(start_url(complaint), {}, format="json"),
        start(officer_api, complaint, size=0),
        start(officer_api, complaint, size="lots"),
        start(officer_api, complaint, size=10, kind="essay"),
        start(officer_api, complaint, size=10, candidate_number=""),
    ]
    assert [a.status_code for a in answers] == [400] * 5
    assert set(answers[0].json()["errors"]) >= {"filename", "size", "kind"}
    assert Upload.objects.count() == 0


def test_start_on_another_centres_case_is_404(officer_pk_api, complaint):
    assert start(officer_pk_api, complaint, size=len(CONTENT)).status_code == 404
    assert Upload.objects.count() == 0


def test_start_on_a_case_its_move_does_not_allow_now_is_409(officer_api, complaint, settings):
    type(complaint).objects.filter(pk=complaint.pk).update(status="closed")
    assert start(officer_api, complaint, size=len(CONTENT)).status_code == 409


def test_parts_in_any_order_complete_into_the_file_with_its_sha256(officer_api, complaint, backend):
    upload_id, part_size = _started(officer_api, complaint)
    sent = send(officer_api, upload_id, CONTENT, part_size, order=[3, 1, 4, 2])
    answer = complete(officer_api, upload_id, sent)
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    attachment = Attachment.objects.get()
    assert body["id"] == str(attachment.public_id)
    assert (body["filename"], body["size"], body["content_type"], body["scan"]) == (
        "work.pdf",
        len(CONTENT),
        "application/pdf",
        "not_scanned",
    )
    assert body["sha256"] == hashlib.sha256(CONTENT).hexdigest() == attachment.sha256
    assert (attachment.case, attachment.labels) == (
        complaint,
        {"kind": "evidence", "candidate_number": "0001"},
    )
    assert body["duplicate_of"] is None
    assert _stored(upload_id) == CONTENT
    upload = Upload.objects.get()
    assert (upload.status, upload.attachment) == ("complete", attachment)
    assert [e.data["to"] for e in history_of(upload).filter(action="status")] == ["complete"]


def test_status_lists_the_parts_that_arrived_so_a_client_resumes(officer_api, complaint, backend):
    upload_id, part_size = _started(officer_api, complaint)
    pieces = chunks(CONTENT, part_size)
    first = send(officer_api, upload_id, pieces[1] + pieces[2], part_size)
    status = officer_api.get(f"/api/v1/uploads/{upload_id}/").json()
    assert status["status"] == "uploading"
    assert [(p["number"], p["size"]) for p in status["parts"]] == [(1, part_size), (2, part_size)]
    assert [p["etag"] for p in status["parts"]] == [s["etag"].strip('"') for s in first]
    # A new session: the client learns what arrived, sends the rest, completes with both.
    urls = part_urls(officer_api, upload_id, [3, 4])
    rest = [{"number": n, "etag": put(urls[n], pieces[n])[1]} for n in (3, 4)]
    known = [{"number": p["number"], "etag": p["etag"]} for p in status["parts"]]
    answer = complete(officer_api, upload_id, known + rest)
    assert answer.status_code == 201
    assert answer.json()["sha256"] == hashlib.sha256(CONTENT).hexdigest()


def test_a_part_sent_again_replaces_the_first(officer_api, complaint, backend):
    upload_id, part_size = _started(officer_api, complaint)
    pieces = chunks(CONTENT, part_size)
    urls = part_urls(officer_api, upload_id, [2])
    put(urls[2], b"x" * part_size)
    sent = send(officer_api, upload_id, CONTENT, part_size)
    assert (
        complete(officer_api, upload_id, sent).json()["sha256"]
        == hashlib.sha256(CONTENT).hexdigest()
    )
    assert len(pieces) == 4


def test_complete_again_answers_the_same_file(officer_api, complaint, backend):
    upload_id, part_size = _started(officer_api, complaint)
    sent = send(officer_api, upload_id, CONTENT, part_size)
    first = complete(officer_api, upload_id, sent)
    again = complete(officer_api, upload_id, sent)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert Attachment.objects.count() == 1


def test_complete_refuses_a_wrong_etag_and_keeps_the_upload(officer_api, complaint, backend):
    upload_id, part_size = _started(officer_api, complaint)
    sent = send(officer_api, upload_id, CONTENT, part_size)
    sent[1]["etag"] = '"0123456789abcdef0123456789abcdef"'
    answer = complete(officer_api, upload_id, sent)
    assert answer.status_code == 400
    assert "Part 2" in answer.json()["errors"]["parts"][0]
    assert (Upload.objects.get().status, Attachment.objects.count()) == ("uploading", 0)


def test_complete_refuses_missing_parts_naming_them(officer_api, complaint, backend):
    upload_id, part_size = _started(officer_api, complaint)
    sent = send(officer_api, upload_id, CONTENT[: 2 * part_size], part_size)
    answer = complete(officer_api, upload_id, sent)
    assert answer.status_code == 400
    assert "parts 3, 4 have not arrived" in answer.json()["errors"]["parts"][0]
    named = complete(
        officer_api, upload_id, [*sent, {"number": 3, "etag": "abc"}, {"number": 4, "etag": "abc"}]
    )
    assert named.status_code == 400
    assert Attachment.objects.count() == 0


def test_complete_refuses_bad_bodies(officer_api, complaint):
    upload_id, _ = _started(officer_api, complaint)
    for body in [{}, {"parts": []}, {"parts": [{"number": 0, "etag": "x"}]}, {"parts": "all"}]:
        answer = officer_api.post(f"/api/v1/uploads/{upload_id}/complete/", body, format="json")
        assert answer.status_code == 400
        assert "parts" in answer.json()["errors"]


def test_a_part_too_small_is_refused(officer_api, complaint, backend):
    upload_id, part_size = _started(officer_api, complaint)
    pieces = chunks(CONTENT, part_size)
    urls = part_urls(officer_api, upload_id, [1, 2, 3, 4])
    status, _ = put(urls[2], pieces[2][:-10])
    if backend == "local":
        # The portal knows each part's size and refuses it on arrival.
        assert status == 400
        assert Upload.objects.get().parts.count() == 0
        return
    # S3 takes any part; completing names it.
    sent = [{"number": n, "etag": put(urls[n], pieces[n])[1]} for n in (1, 3, 4)]
    sent.append({"number": 2, "etag": put(urls[2], pieces[2][:-10])[1]})
    answer = complete(officer_api, upload_id, sent)
    assert answer.status_code == 400
    assert "Part 2 is" in answer.json()["errors"]["parts"][0]
    assert Attachment.objects.count() == 0


def test_a_declared_size_that_lies_is_caught(officer_api, complaint, backend):
    """An image announced under its 15 MB limit whose parts bring more."""
    small = PNG + b"\0" * (PART_SIZE - len(PNG))
    upload_id, part_size = _started(officer_api, complaint, content=small, filename="photo.png")
    urls = part_urls(officer_api, upload_id, [1])
    status, etag = put(urls[1], small + b"\0" * PART_SIZE)
    if backend == "local":
        assert status == 400
    else:
        answer = complete(officer_api, upload_id, [{"number": 1, "etag": etag}])
        assert answer.status_code == 400
        assert "Part 1 is" in answer.json()["errors"]["parts"][0]
    assert Attachment.objects.count() == 0


def test_content_that_is_not_what_its_name_says_is_415_and_nothing_kept(
    officer_api, complaint, backend
):
    page = HTML + b" " * (PART_SIZE + 100)
    answer = upload_whole(officer_api, complaint, page, filename="letter.pdf")
    assert answer.status_code == 415
    assert "letter.pdf" in answer.json()["errors"]["filename"][0]
    upload = Upload.objects.get()
    assert (upload.status, Attachment.objects.count()) == ("aborted", 0)
    assert not default_storage.exists(upload.key)


def test_the_same_file_twice_is_noticed(officer_api, complaint, backend):
    first = upload_whole(officer_api, complaint, CONTENT).json()
    second = upload_whole(officer_api, complaint, CONTENT, filename="again.pdf").json()
    assert second["duplicate_of"]["id"] == first["id"]
    assert second["duplicate_of"]["filename"] == "work.pdf"
    assert second["sha256"] == first["sha256"]


def test_delete_abandons_the_upload_and_its_parts(officer_api, complaint, backend):
    upload_id, part_size = _started(officer_api, complaint)
    send(officer_api, upload_id, CONTENT[:part_size], part_size)
    answer = officer_api.delete(f"/api/v1/uploads/{upload_id}/")
    again = officer_api.delete(f"/api/v1/uploads/{upload_id}/")
    assert (answer.status_code, again.status_code) == (204, 204)
    upload = Upload.objects.get()
    assert upload.status == "aborted"
    assert not default_storage.exists(upload.key)
    assert officer_api.get(f"/api/v1/uploads/{upload_id}/").json()["parts"] == []
    refused = officer_api.post(
        f"/api/v1/uploads/{upload_id}/parts/", {"numbers": [1]}, format="json"
    )
    assert refused.status_code == 409
    assert complete(officer_api, upload_id, [{"number": 1, "etag": "x"}]).status_code == 409


def test_delete_of_a_complete_upload_is_409_and_keeps_the_file(officer_api, complaint):
    upload_id, part_size = _started(officer_api, complaint)
    complete(officer_api, upload_id, send(officer_api, upload_id, CONTENT, part_size))
    assert officer_api.delete(f"/api/v1/uploads/{upload_id}/").status_code == 409
    assert Attachment.objects.count() == 1


def test_parts_refuses_numbers_the_upload_does_not_have(officer_api, complaint):
    upload_id, _ = _started(officer_api, complaint)
    for numbers in [[5], [0], [], "1"]:
        answer = officer_api.post(
            f"/api/v1/uploads/{upload_id}/parts/", {"numbers": numbers}, format="json"
        )
        assert answer.status_code == 400
        assert "numbers" in answer.json()["errors"]


def test_another_centres_officer_gets_404_on_every_upload_route(
    officer_api, officer_pk_api, complaint
):
    upload_id, part_size = _started(officer_api, complaint)
    base = f"/api/v1/uploads/{upload_id}/"
    answers = [
        officer_pk_api.get(base),
        officer_pk_api.post(f"{base}parts/", {"numbers": [1]}, format="json"),
        officer_pk_api.post(
            f"{base}complete/", {"parts": [{"number": 1, "etag": "x"}]}, format="json"
        ),
        officer_pk_api.delete(base),
    ]
    assert [a.status_code for a in answers] == [404] * 4
    assert Upload.objects.get().status == "uploading"


def test_another_centres_officer_gets_404_on_the_file(officer_api, officer_pk_api, complaint):
    file_id = upload_whole(officer_api, complaint, CONTENT).json()["id"]
    assert officer_pk_api.get(f"/api/v1/files/{file_id}/").status_code == 404
    assert officer_api.get(f"/api/v1/files/{file_id}/").status_code == 200


def test_signed_out_gets_401_on_upload_routes(client, officer_api, complaint):
    upload_id, _ = _started(officer_api, complaint)
    from rest_framework.test import APIClient

    anonymous = APIClient()
    assert anonymous.get(f"/api/v1/uploads/{upload_id}/").status_code in (401, 403)
    assert start(anonymous, complaint, size=10).status_code in (401, 403)


def test_part_url_expires(officer_api, complaint, settings):
    upload_id, part_size = _started(officer_api, complaint)
    urls = part_urls(officer_api, upload_id, [1])
    later = timezone.now() + timezone.timedelta(
        seconds=settings.UPLOADS_PART_URL_EXPIRE_SECONDS + 5
    )
    with time_machine.travel(later):
        status, _ = put(urls[1], CONTENT[:part_size])
    assert status == 403
    assert Upload.objects.get().parts.count() == 0


def test_part_url_cannot_be_forged_or_read(client, officer_api, complaint):
    upload_id, part_size = _started(officer_api, complaint)
    url = part_urls(officer_api, upload_id, [1])[1].removeprefix("http://testserver")
    forged = url.replace(":", "x:", 1)
    assert client.put(forged, data=b"x", content_type="application/octet-stream").status_code == 403
    assert client.get(url).status_code == 405
    assert client.put(url, data=b"x", content_type="application/pdf").status_code == 400


def test_part_size_keeps_within_s3s_limits(settings):
    settings.UPLOADS_MIN_PART_SIZE = 5 * 1024 * 1024
    MiB = 1024 * 1024
    for size in (1, 5 * MiB, 100 * MiB, 5 * 1024**3, 600 * 1024**3):
        part = choose_part_size(size)
        assert 5 * MiB <= part <= 64 * MiB
        assert -(-size // part) <= MAX_PARTS
    assert choose_part_size(10 * MiB) == 5 * MiB
