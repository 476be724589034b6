"""Checking files against a policy, attaching them to a case, and resumable uploads.

Call ``attach_files`` inside the caller's transaction, with ``files_discarded_on_failure``
around that transaction::

    checked = check_files(files, policy=ATTACHMENTS)      # refuse before anything is saved
    with files_discarded_on_failure(), transaction.atomic():
        case = ...
        attach_files(case, checked, policy=ATTACHMENTS, by=user)

Large files come in parts instead (the S3 multipart protocol): ``start_upload``,
``presign_parts``, ``upload_status``, ``complete_upload`` and ``abort_upload`` below.
Every attached file is scanned for malware after its transaction commits (see
``portal.uploads.scanning``).
"""

import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from portal import audit
from portal.errors import PortalError, TransitionNotAllowed, UploadRefused
from portal.storage import discard_on_failure, require_discarding
from portal.uploads import checks, storing
from portal.uploads.backends import ReceivedPart, backend_for, clean_etag, open_stored
from portal.uploads.checks import CheckedFile
from portal.uploads.models import Attachment, Scan, Upload
from portal.uploads.policies import MB, UploadPolicy, format_size, policy_named, register_policy
from portal.workflow import authorize, transition

logger = logging.getLogger(__name__)

# S3's limits: at most 10,000 parts; the portal's: parts of at most 64 MiB, and about 500
# parts for the largest files (fewer requests, and each part small enough to resend).
MAX_PARTS = 10_000
MAX_PART_SIZE = 64 * MB
TARGET_PARTS = 500


def check_files(files, *, policy: UploadPolicy) -> list[CheckedFile]:
    """Check every file against the policy; the first refused raises, before any is saved."""
    checked = []
    for file in files:
        if isinstance(file, CheckedFile):
            if file.policy == policy:
                checked.append(file)
                continue
            file = file.file
        checked.append(checks.check_file(file, policy=policy))
    return checked


def attach_files(
    case, files, *, policy: UploadPolicy, by=None, labels: dict | None = None
) -> list[Attachment]:
    """Attach uploaded files to a case, each with ``labels`` (what it is to the case).

    1. Check them all (files already checked under this policy are not read again).
    2. Stream each to storage under a generated key, with its size and SHA-256; each is
       deleted again if the surrounding ``files_discarded_on_failure`` block fails.
    3. Save one ``Attachment`` row per file, all or none.
    """
    checked = check_files(files, policy=policy)
    case_type = _case_type(case)
    require_discarding()
    attachments = []
    with transaction.atomic():
        for item in checked:
            stored = storing.store(item.file)
            attachment = Attachment(
                case_type=case_type,
                case_id=case.pk,
                file=stored.key,
                name=item.name,
                content_type=item.content_type,
                size=stored.size,
                sha256=stored.sha256,
                uploaded_by=_person(by),
                labels=dict(labels or {}),
            )
            discard_on_failure(attachment.file)
            attachment.save()
            _queue_scan(attachment)
            attachments.append(attachment)
    return attachments


def attach_stored_file(
    case,
    *,
    key: str,
    name: str,
    size: int,
    sha256: str,
    policy: UploadPolicy,
    by=None,
    uploaded_at=None,
    labels: dict | None = None,
) -> Attachment:
    """Attach a file already in the default storage (assembled from a resumable upload, or
    moved from an older table) with the size and SHA-256 computed as its bytes arrived.

    Its content is checked against the policy as for any upload; when refused, nothing is
    saved and the stored file is left for the caller to delete or keep.
    """
    if not default_storage.exists(key) or default_storage.size(key) != size:
        raise UploadRefused(
            f"{checks.display_name(name)} has not arrived whole; send it again.",
            field=policy.field,
        )
    with open_stored(key) as stored:
        checked = checks.check_file(stored, policy=policy, name=name, size=size)
    attachment = Attachment(
        case_type=_case_type(case),
        case_id=case.pk,
        file=key,
        name=checked.name,
        content_type=checked.content_type,
        size=size,
        sha256=sha256,
        uploaded_by=_person(by),
        labels=dict(labels or {}),
    )
    if uploaded_at is not None:
        attachment.uploaded_at = uploaded_at
    attachment.save()
    _queue_scan(attachment)
    return attachment


def duplicates_of(attachment: Attachment):
    """The case's files uploaded before this one with the same bytes (same SHA-256)."""
    return (
        Attachment.objects.filter(
            case_type_id=attachment.case_type_id,
            case_id=attachment.case_id,
            sha256=attachment.sha256,
        )
        .exclude(pk=attachment.pk)
        .filter(uploaded_at__lte=attachment.uploaded_at)
        .order_by("uploaded_at", "pk")
    )


def _queue_scan(attachment: Attachment) -> None:
    """Scan the file once its transaction commits (through the outbox); without a scanner
    it is recorded as not scanned, saying why."""
    if not settings.CLAMD_URL:
        Attachment.objects.filter(pk=attachment.pk).update(
            scan=Scan.NOT_SCANNED, scan_detail="No malware scanner is configured."
        )
        attachment.scan, attachment.scan_detail = (
            Scan.NOT_SCANNED,
            "No malware scanner is configured.",
        )
        return
    from portal.outbox.services import enqueue

    Attachment.objects.filter(pk=attachment.pk).update(scan=Scan.PENDING, scan_detail="")
    attachment.scan, attachment.scan_detail = Scan.PENDING, ""
    enqueue("portal.uploads.scan", attachment_id=attachment.pk)


# --- Resumable uploads -------------------------------------------------------------------


def choose_part_size(size: int) -> int:
    """The part size for a file of ``size`` bytes: a multiple of the smallest part
    (``UPLOADS_MIN_PART_SIZE``, 5 MiB) giving about ``TARGET_PARTS`` parts, at most 64 MiB;
    so never more than 10,000 parts for anything up to 625 GiB."""
    floor = settings.UPLOADS_MIN_PART_SIZE
    wanted = -(-size // TARGET_PARTS)
    return min(max(floor, -(-wanted // floor) * floor), MAX_PART_SIZE)


def start_upload(case, *, policy: UploadPolicy, filename: str, size: int, by, **labels) -> Upload:
    """Announce a file that will come in parts, before any of its bytes.

    1. Check its name and size against the policy (415 for a type refused, 413 over the
       limit of the type its extension says: the content is checked on completion).
    2. Choose the part size and open the multipart upload where the parts will go.
    3. Save the upload with the case type's ``labels`` and an audit row.
    """
    register_policy(policy)
    name = checks.display_name(filename)
    checks.check_announced(name, size, policy=policy)
    part_size = choose_part_size(size)
    if -(-size // part_size) > MAX_PARTS:
        raise PortalError(f"{name} would need more than {MAX_PARTS} parts.", field="size")
    backend = backend_for()
    upload = Upload(
        case_type=_case_type(case),
        case_id=case.pk,
        policy=policy.name,
        labels=labels,
        filename=name,
        size=size,
        part_size=part_size,
        backend=backend.kind,
        key=storing.new_key(),
        started_by=_person(by),
    )
    backend.create(upload)
    try:
        with transaction.atomic():
            upload.save()
            audit.record(upload, "started", by=by, summary=f"{name}, {format_size(size)}")
    except BaseException:
        backend.abort(upload)
        raise
    return upload


def _require_uploading(upload: Upload) -> None:
    if upload.status != Upload.Status.UPLOADING:
        state = "complete" if upload.status == Upload.Status.COMPLETE else "abandoned"
        raise TransitionNotAllowed(f"This upload is {state}: no more parts can be sent to it.")


def presign_parts(upload: Upload, *, numbers: list[int], by, request) -> list[dict]:
    """Where to send each of the numbered parts: ``[{"number", "url"}]``. The URLs are
    self-authorising (presigned on S3, signed links to the portal otherwise) and expire
    after ``UPLOADS_PART_URL_EXPIRE_SECONDS``."""
    authorize(upload, "complete", by=by)
    _require_uploading(upload)
    count = upload.part_count
    wrong = sorted({n for n in numbers if not 1 <= n <= count})
    if wrong:
        raise PortalError(
            f"This upload has parts 1 to {count}; there is no part {', '.join(map(str, wrong))}.",
            field="numbers",
        )
    backend = backend_for(upload)
    return [
        {"number": n, "url": backend.part_url(upload, n, request=request)}
        for n in dict.fromkeys(numbers)
    ]


def received_parts(upload: Upload) -> list[ReceivedPart]:
    """The parts that have arrived whole (none once the upload is finished)."""
    if upload.status != Upload.Status.UPLOADING:
        return []
    return backend_for(upload).received(upload)


def upload_status(upload: Upload) -> dict:
    """``{"id", "status", "parts": [{"number", "size", "etag"}]}``: where a client resumes."""
    return {
        "id": upload.public_id,
        "status": upload.status,
        "filename": upload.filename,
        "size": upload.size,
        "part_size": upload.part_size,
        "parts": [
            {"number": p.number, "size": p.size, "etag": p.etag} for p in received_parts(upload)
        ],
        "file": upload.attachment,
    }


def receive_part(upload: Upload, *, number: int, body, length: int) -> ReceivedPart:
    """One part's bytes, sent to the portal's own part URL (local storage only)."""
    from portal.uploads.backends import LocalParts, PartRefused

    if upload.status != Upload.Status.UPLOADING:
        raise PartRefused("This upload is finished: no more parts can be sent to it.", status=409)
    if not 1 <= number <= upload.part_count:
        raise PartRefused(f"This upload has no part {number}.")
    try:
        return LocalParts().write_part(upload, number, body, length)
    except FileNotFoundError:
        # Abandoned while the part was on its way.
        raise PartRefused("This upload was abandoned.", status=409) from None


def _parts_to_complete(upload: Upload, claimed: list[dict], received: list[ReceivedPart]):
    """The received parts the client names, checked: every part from 1 to the last, each
    with the ETag it was given, each ``part_size`` bytes but the last, adding up to the size
    announced. Refusals name the part and what is wrong (400)."""
    by_number = {p.number: p for p in received}
    numbers = [int(item["number"]) for item in claimed]
    expected = list(range(1, upload.part_count + 1))
    if sorted(numbers) != expected:
        missing = sorted(set(expected) - set(numbers) - set(by_number))
        unsent = f"; parts {_ranges(missing)} have not arrived" if missing else ""
        raise PortalError(
            f"Name every part from 1 to {upload.part_count} once{unsent}.", field="parts"
        )
    parts = []
    for item in sorted(claimed, key=lambda item: int(item["number"])):
        number = int(item["number"])
        part = by_number.get(number)
        if part is None:
            raise PortalError(f"Part {number} has not arrived; send it again.", field="parts")
        if clean_etag(item["etag"]) != part.etag:
            raise PortalError(
                f"Part {number} has another ETag than the one its upload answered; send it "
                f"again or name the ETag it answered.",
                field="parts",
            )
        if part.size != upload.expected_part_size(number):
            raise PortalError(
                f"Part {number} is {part.size} bytes; every part must be {upload.part_size} "
                f"bytes but the last, which holds the rest of the {upload.size} announced.",
                field="parts",
            )
        parts.append(part)
    total = sum(part.size for part in parts)
    if total != upload.size:
        raise PortalError(
            f"The parts add up to {total} bytes, not the {upload.size} announced.", field="parts"
        )
    return parts


def _ranges(numbers: list[int]) -> str:
    shown = ", ".join(map(str, numbers[:10]))
    return shown + (f" and {len(numbers) - 10} more" if len(numbers) > 10 else "")


def complete_upload(upload: Upload, *, parts: list[dict], by) -> Attachment:
    """Put the parts together into a file of the case; a repeat answers the same file.

    1. Check the parts named against those received (``_parts_to_complete``).
    2. Assemble them (S3 completes its multipart upload; on disk they are in place).
    3. Check the content against the policy from its first bytes: content that is not what
       its name says (or over its type's limit) is refused (415/413), its bytes deleted and
       the upload abandoned, so nothing is kept.
    4. Compute the SHA-256 streaming the file once from storage (parts arrive in any order,
       on any worker, and a hash cannot be put together from hashes of parts).
    5. Attach it to the case (its malware scan queued) and mark the upload complete.
    """
    authorize(upload, "complete", by=by)
    refused = None
    with transaction.atomic():
        locked = Upload.objects.select_for_update().get(pk=upload.pk)
        if locked.status == Upload.Status.COMPLETE and locked.attachment is not None:
            return locked.attachment
        _require_uploading(locked)
        backend = backend_for(locked)
        received = _parts_to_complete(locked, parts, backend.received(locked))
        backend.finish(locked, received)
        policy = policy_named(locked.policy)
        try:
            with backend.open(locked) as stored:
                checks.check_file(stored, policy=policy, name=locked.filename, size=locked.size)
            digest = hashlib.sha256()
            for chunk in backend.stream(locked):
                digest.update(chunk)
            attachment = attach_stored_file(
                locked.case,
                key=locked.key,
                name=locked.filename,
                size=locked.size,
                sha256=digest.hexdigest(),
                policy=policy,
                by=by,
                labels=locked.labels,
            )
        except UploadRefused as error:
            refused = error
            _abandon(locked, by=None, reason=error.message)
        else:

            def finished(row):
                row.attachment, row.finished_at = attachment, timezone.now()
                return ["attachment", "finished_at"]

            transition(locked, "complete", by=by, update=finished)
    if refused is not None:
        raise refused
    return attachment


def abort_upload(upload: Upload, *, by) -> Upload:
    """Abandon an upload: its parts are deleted. A repeat does nothing; a complete upload
    cannot be abandoned (409): its file belongs to the case."""
    authorize(upload, "abort", by=by)
    with transaction.atomic():
        locked = Upload.objects.select_for_update().get(pk=upload.pk)
        if locked.status == Upload.Status.ABORTED:
            return locked
        _require_uploading(locked)
        return _abandon(locked, by=by)


def _abandon(upload: Upload, *, by, reason: str = "") -> Upload:
    backend_for(upload).abort(upload)

    def finished(row):
        row.finished_at = timezone.now()
        return ["finished_at"]

    locked, _ = transition(
        upload, "abort", by=by, update=finished, data={"reason": reason} if reason else None
    )
    return locked


def abandon_stale_uploads(*, now=None, limit: int = 200) -> int:
    """Abandon uploads left unfinished for ``UPLOADS_ABANDON_AFTER_HOURS`` (their parts take
    space, on S3 invisibly); a bounded batch, oldest first. Answers how many."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(hours=settings.UPLOADS_ABANDON_AFTER_HOURS)
    stale = Upload.objects.filter(status=Upload.Status.UPLOADING, started_at__lt=cutoff)
    done = 0
    for upload in stale.order_by("started_at")[:limit]:
        try:
            with transaction.atomic():
                locked = Upload.objects.select_for_update(skip_locked=True).filter(pk=upload.pk)
                locked = locked.filter(status=Upload.Status.UPLOADING).first()
                if locked is not None:
                    _abandon(locked, by=None, reason="Not finished in time.")
                    done += 1
        except Exception:
            logger.exception("Could not abandon the upload %s", upload.public_id)
    return done


def _case_type(case) -> ContentType:
    if case.pk is None:
        raise ValueError("Save the case before attaching files to it.")
    return ContentType.objects.get_for_model(case, for_concrete_model=False)


def _person(user):
    return user if user is not None and user.is_authenticated else None
