"""Checking files against a policy and attaching them to a case.

Call ``attach_files`` inside the caller's transaction, with ``files_discarded_on_failure``
around that transaction::

    checked = check_files(files, policy=ATTACHMENTS)      # refuse before anything is saved
    with files_discarded_on_failure(), transaction.atomic():
        case = ...
        attach_files(case, checked, policy=ATTACHMENTS, by=user)
"""

from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import transaction

from portal.errors import UploadRefused
from portal.storage import discard_on_failure, require_discarding
from portal.uploads import checks, storing
from portal.uploads.checks import CheckedFile
from portal.uploads.models import Attachment
from portal.uploads.policies import UploadPolicy


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
    with default_storage.open(key, "rb") as stored:
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
    return attachment


def _case_type(case) -> ContentType:
    if case.pk is None:
        raise ValueError("Save the case before attaching files to it.")
    return ContentType.objects.get_for_model(case, for_concrete_model=False)


def _person(user):
    return user if user is not None and user.is_authenticated else None
