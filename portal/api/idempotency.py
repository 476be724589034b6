"""Safe retries of the API's creating requests: the ``Idempotency-Key`` header.

A client that sends ``Idempotency-Key: <key>`` with a POST under /api/v1/ and repeats the
request (after a timeout, a dropped connection) gets the first answer again, status and body,
instead of a second case. Keys belong to one user and one request: the same key with another
method, path or body answers 422. While the first request is still being answered, a repeat
answers 409 and may retry shortly. Answers are kept IDEMPOTENCY_KEY_TTL_HOURS (24).

It is a middleware rather than a view mixin so that every app's viewsets are covered without
each one remembering to opt in; it authenticates with the view's own DRF authenticators.
"""

import hashlib
import tempfile
from datetime import timedelta
from enum import Enum

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from rest_framework.exceptions import APIException
from rest_framework.request import Request

from portal.accounts.models import IdempotentRequest
from portal.housekeeping import delete_in_batches

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
API_PREFIX = "/api/v1/"
# The token endpoint signs in; its answer (a token) must never be stored or replayed.
EXCLUDED_URL_NAMES = {"api-token"}
# A request whose process died before it answered leaves its key in flight; after this long
# the key may be used again.
ABANDONED_AFTER = timedelta(minutes=10)
# Answers that say nothing lasting about the request: a retry should run it again.
NOT_REMEMBERED = {401, 403, 408, 409, 429}
# Answer headers worth replaying (the body's type and a created case's address).
REPLAYED_HEADERS = ("Content-Type", "Location")
CHUNK = 64 * 1024

KEY_MISMATCH = (
    "This Idempotency-Key was already used for a different request (another path or body). "
    "Use a new key for each new request, and the same key only to repeat the same request."
)
KEY_IN_FLIGHT = (
    "A request with this Idempotency-Key is still being answered. Wait a moment and repeat it "
    "to receive its answer."
)
KEY_INVALID = (
    f"The {HEADER} header must be 1 to {MAX_KEY_LENGTH} visible ASCII characters, such as a UUID."
)


class Claim(Enum):
    NEW = "new"
    REPLAY = "replay"
    IN_FLIGHT = "in_flight"
    MISMATCH = "mismatch"


BODY_TOO_LARGE = (
    "This request is too large to be remembered for a retry: send it without an "
    "Idempotency-Key, or in smaller parts."
)


def valid_key(key: str) -> bool:
    return 0 < len(key) <= MAX_KEY_LENGTH and all(33 <= ord(ch) <= 126 for ch in key)


def claim_key(
    user, *, key: str, fingerprint: str, method: str, path: str, now=None
) -> tuple[Claim, IdempotentRequest | None]:
    """Claim ``key`` for this request, or say why not.

    1. Insert the key, committed at once: a concurrent request with the same key then finds
       it in flight instead of running too (the unique constraint decides who was first).
    2. A key past its keeping time, or abandoned in flight, is taken over with a conditional
       update, so two takers cannot both win.
    3. Otherwise the stored row answers: another request (422), still in flight (409), or
       the first answer to replay.
    """
    now = now or timezone.now()
    fields = {"fingerprint": fingerprint, "method": method, "path": path[:2000]}
    for _ in range(2):
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(
                    user=user, key=key, created_at=now, **fields
                )
            return Claim.NEW, record
        except IntegrityError:
            record = IdempotentRequest.objects.filter(user=user, key=key).first()
        if record is not None:
            break
        # Released between our insert and our read: try once more.
    else:
        return Claim.IN_FLIGHT, None
    expired = record.created_at < now - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    abandoned = record.in_flight and record.created_at < now - ABANDONED_AFTER
    if expired or abandoned:
        taken = IdempotentRequest.objects.filter(pk=record.pk, created_at=record.created_at).update(
            created_at=now,
            status_code=None,
            response_body=b"",
            response_headers={},
            completed_at=None,
            **fields,
        )
        if taken:
            record.refresh_from_db()
            return Claim.NEW, record
        return Claim.IN_FLIGHT, record
    if record.fingerprint != fingerprint:
        return Claim.MISMATCH, record
    if record.in_flight:
        return Claim.IN_FLIGHT, record
    return Claim.REPLAY, record


def remember_answer(record: IdempotentRequest, response) -> None:
    """Keep the first answer for repeats, or free the key when the answer is not final."""
    final = (
        not getattr(response, "streaming", False)
        and response.status_code < 500
        and response.status_code not in NOT_REMEMBERED
    )
    if not final:
        IdempotentRequest.objects.filter(pk=record.pk, status_code__isnull=True).delete()
        return
    IdempotentRequest.objects.filter(pk=record.pk).update(
        status_code=response.status_code,
        response_body=bytes(response.content),
        response_headers={name: response[name] for name in REPLAYED_HEADERS if name in response},
        completed_at=timezone.now(),
    )


def replay(record: IdempotentRequest) -> HttpResponse:
    response = HttpResponse(bytes(record.response_body), status=record.status_code)
    for name, value in record.response_headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def sweep_idempotency_keys(*, now=None, batch: int = 1000) -> int:
    """Delete keys older than their keeping time, in bounded batches."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    return delete_in_batches(IdempotentRequest.objects.older_than(cutoff), batch=batch)


def _fingerprint(request) -> str:
    """SHA-256 of method, path and body, reading the body once into a spooled file.

    The body is streamed (an upload may be large) and then put back for the view to parse.
    A multipart body is hashed with its boundary replaced: clients draw a new random
    boundary for each attempt, and the same form must give the same fingerprint.
    """
    digest = hashlib.sha256()
    digest.update(f"{request.method}\n{request.get_full_path()}\n".encode())
    if hasattr(request, "_files"):
        # An earlier middleware (the input guard) already parsed the form: its stream is
        # spent, so the fingerprint is taken from the parsed fields and files instead.
        return _form_fingerprint(digest, request)
    boundary = _multipart_boundary(request)
    # Not a context manager: the file outlives this function as the request's body.
    spooled = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)  # noqa: SIM115
    tail = b""
    keep = len(boundary) - 1 if boundary else 0
    while chunk := request.read(CHUNK):
        spooled.write(chunk)
        if not boundary:
            digest.update(chunk)
            continue
        data = (tail + chunk).replace(boundary, b"--boundary")
        if len(data) <= keep:
            tail = data
            continue
        digest.update(data[: len(data) - keep])
        tail = data[len(data) - keep :]
    digest.update(tail)
    spooled.seek(0)
    # Django reads the body from ``_stream``; hand it the copy, as if never read.
    request._stream = spooled
    request._read_started = False
    return digest.hexdigest()


def _form_fingerprint(digest, request) -> str:
    for name in sorted(request.POST):
        for value in request.POST.getlist(name):
            digest.update(f"field\n{name}\n{len(value)}\n{value}\n".encode())
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(f"file\n{name}\n{upload.name}\n{upload.size}\n".encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def _multipart_boundary(request) -> bytes:
    content_type = request.META.get("CONTENT_TYPE", "")
    if not content_type.startswith("multipart/"):
        return b""
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "boundary" and value:
            return b"--" + value.strip('"').encode("latin-1")
    return b""


def _carries_credentials(request) -> bool:
    # (DRF's test client authenticates without either, through _force_auth_user.)
    return bool(
        request.headers.get("Authorization")
        or request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        or getattr(request, "_force_auth_user", None)
    )


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _user_of(request, view_func):
    """The user the view will see, from its own authenticators; None when there is none."""
    view_class = getattr(view_func, "cls", None)
    if view_class is None:
        return None
    drf_request = Request(
        request, authenticators=[auth() for auth in view_class.authentication_classes]
    )
    try:
        user = drf_request.user
    except APIException:
        # Refused credentials: the view refuses them too, with its own answer.
        return None
    return user if user is not None and user.is_authenticated else None


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        record = getattr(request, "_idempotent_request", None)
        if record is not None:
            remember_answer(record, response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        key = request.headers.get(HEADER)
        if (
            key is None
            or request.method != "POST"
            or not request.path.startswith(API_PREFIX)
            or request.resolver_match.url_name in EXCLUDED_URL_NAMES
        ):
            return None
        if not valid_key(key):
            return JsonResponse({"errors": {HEADER: [KEY_INVALID]}}, status=400)
        if not _carries_credentials(request):
            # Nobody to keep a key for: the view answers 401 without the body being copied.
            return None
        if _declared_length(request) > settings.IDEMPOTENCY_MAX_BODY_BYTES:
            return JsonResponse({"detail": BODY_TOO_LARGE}, status=413)
        fingerprint = _fingerprint(request)
        user = _user_of(request, view_func)
        if user is None:
            return None
        outcome, record = claim_key(
            user,
            key=key,
            fingerprint=fingerprint,
            method=request.method,
            path=request.get_full_path(),
        )
        if outcome is Claim.MISMATCH:
            return JsonResponse({"detail": KEY_MISMATCH}, status=422)
        if outcome is Claim.IN_FLIGHT:
            return JsonResponse({"detail": KEY_IN_FLIGHT}, status=409, headers={"Retry-After": "1"})
        if outcome is Claim.REPLAY:
            return replay(record)
        request._idempotent_request = record
        return None


def takes_key(path: str) -> bool:
    """Whether a POST to ``path`` (as the schema writes it) may carry an Idempotency-Key."""
    return path.startswith(API_PREFIX) and path != f"{API_PREFIX}auth/token/"


def document_idempotency_key(result, generator, request, public):
    """drf-spectacular postprocessing hook: the header on every POST that may carry it."""
    parameter = {
        "in": "header",
        "name": HEADER,
        "required": False,
        "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
        "description": (
            "Makes a retry safe: a repeat with the same key gets the first answer (status and "
            "body, with `Idempotent-Replayed: true`) instead of creating again. One key per "
            "request: the same key with another path or body answers 422; while the first is "
            f"still being answered, 409. Keys are kept {settings.IDEMPOTENCY_KEY_TTL_HOURS} "
            "hours, per user. A UUID is a good key."
        ),
    }
    for path, operations in result.get("paths", {}).items():
        post = operations.get("post")
        if post is None or not takes_key(path):
            continue
        parameters = post.setdefault("parameters", [])
        if not any(p.get("in") == "header" and p.get("name") == HEADER for p in parameters):
            parameters.append(parameter)
    return result
