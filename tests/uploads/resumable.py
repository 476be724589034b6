"""Driving the resumable upload protocol as a client would, on either backend."""

import urllib.error
import urllib.request

from django.test import Client

TESTSERVER = "http://testserver"
PART_SIZE = 16 * 1024


def start_url(complaint) -> str:
    return f"/api/v1/test-cases/{complaint.reference}/uploads/"


def start(api, complaint, *, filename="work.pdf", size, kind="evidence", **extra):
    body = {"filename": filename, "size": size, "kind": kind, "candidate_number": "0001", **extra}
    return api.post(start_url(complaint), body, format="json")


def part_urls(api, upload_id, numbers) -> dict[int, str]:
    answer = api.post(f"/api/v1/uploads/{upload_id}/parts/", {"numbers": numbers}, format="json")
    assert answer.status_code == 200, answer.json()
    return {part["number"]: part["url"] for part in answer.json()["parts"]}


def put(url: str, data: bytes, **headers) -> tuple[int, str | None]:
    """PUT a part's bytes to its URL with no credentials: the portal's own (local storage)
    through the test client, S3's over HTTP. Answers the status and the ETag header."""
    if url.startswith(TESTSERVER):
        answer = Client().put(
            url.removeprefix(TESTSERVER), data=data, content_type="application/octet-stream"
        )
        return answer.status_code, answer.get("ETag")
    headers = {"Content-Type": "application/octet-stream", **headers}
    request = urllib.request.Request(url, data=data, method="PUT", headers=headers)
    try:
        with urllib.request.urlopen(request) as answer:
            return answer.status, answer.headers["ETag"]
    except urllib.error.HTTPError as error:
        return error.code, None


def chunks(content: bytes, part_size: int) -> dict[int, bytes]:
    return {
        i // part_size + 1: content[i : i + part_size] for i in range(0, len(content), part_size)
    }


def send(api, upload_id, content: bytes, part_size: int, *, order=None) -> list[dict]:
    """Send every part (in ``order`` if given); answer the parts as ``complete`` wants them."""
    pieces = chunks(content, part_size)
    numbers = order or sorted(pieces)
    urls = part_urls(api, upload_id, numbers)
    sent = []
    for number in numbers:
        status, etag = put(urls[number], pieces[number])
        assert status == 200, (number, status)
        sent.append({"number": number, "etag": etag})
    return sent


def complete(api, upload_id, parts):
    return api.post(f"/api/v1/uploads/{upload_id}/complete/", {"parts": parts}, format="json")


def upload_whole(api, complaint, content: bytes, *, filename="work.pdf", **extra):
    started = start(api, complaint, filename=filename, size=len(content), **extra)
    assert started.status_code == 201, started.json()
    upload_id, part_size = started.json()["id"], started.json()["part_size"]
    return complete(api, upload_id, send(api, upload_id, content, part_size))
