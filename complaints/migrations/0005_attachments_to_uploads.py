"""Complaints' own attachments become the portal's shared attachments: the same stored
files (no copy), their names, types, sizes, uploaders and dates, with each file's SHA-256
computed once from storage, and the letters they came with."""

import hashlib
import uuid

from django.core.files.storage import default_storage
from django.db import migrations

CHUNK = 1024 * 1024


def _sha256(key: str) -> str:
    digest = hashlib.sha256()
    try:
        with default_storage.open(key, "rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
    except Exception:  # noqa: BLE001 - any storage's "cannot read it" (S3 raises its own)
        # A file that cannot be read keeps its row (its download answers 404); it is not
        # given a digest it never had.
        return ""
    return digest.hexdigest()


def forwards(apps, schema_editor):
    Old = apps.get_model("complaints", "Attachment")
    New = apps.get_model("uploads", "Attachment")
    Message = apps.get_model("complaints", "Message")
    ContentType = apps.get_model("contenttypes", "ContentType")
    complaint_type, _ = ContentType.objects.get_or_create(app_label="complaints", model="complaint")
    for old in Old.objects.order_by("pk").iterator(chunk_size=500):
        new = New.objects.create(
            public_id=uuid.uuid4(),
            case_type=complaint_type,
            case_id=old.complaint_id,
            file=old.file.name,
            name=old.original_name,
            content_type=old.content_type,
            size=old.size,
            sha256=_sha256(old.file.name),
            uploaded_by_id=old.uploaded_by_id,
            uploaded_at=old.uploaded_at,
        )
        if old.message_id is not None:
            Message.objects.get(pk=old.message_id).files.add(new)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0004_message_files"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    # No way back: the old table is dropped next, and its rows would not return with it.
    operations = [migrations.RunPython(forwards)]
