"""Checking the files attached to a case: by their content, never by their name."""

import zipfile

import magic
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.utils.text import get_valid_filename

from portal.errors import UploadRefused, UploadTooLarge

WORD_2007 = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ALLOWED_TYPES = {
    "application/pdf": "PDF",
    "application/msword": "Word",
    WORD_2007: "Word",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "image/gif": "GIF image",
    "image/webp": "WebP image",
}
ACCEPT = ".pdf,.doc,.docx,.png,.jpg,.jpeg,.gif,.webp"
SNIFF_BYTES = 8192


def max_bytes() -> int:
    return settings.COMPLAINT_ATTACHMENT_MAX_BYTES


def _is_word_document(upload) -> bool:
    # libmagic names some .docx files plain zip; a Word document holds word/document.xml.
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)


def detect_type(upload) -> str:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    detected = magic.from_buffer(head, mime=True)
    if detected == "application/zip" and _is_word_document(upload):
        return WORD_2007
    return detected


def check_upload(upload, *, field: str = "attachments") -> str:
    """Answer the content type of an acceptable upload; refuse anything else."""
    name = display_name(upload)
    if upload.size > max_bytes():
        raise UploadTooLarge(
            f"{name} is {upload.size / 1_048_576:.1f} MB; the limit is "
            f"{max_bytes() / 1_048_576:.0f} MB.",
            field=field,
        )
    if upload.size == 0:
        raise UploadRefused(f"{name} is empty.", field=field)
    detected = detect_type(upload)
    if detected not in ALLOWED_TYPES:
        raise UploadRefused(
            f"{name} is not a PDF, Word document or image (its content is {detected}).",
            field=field,
        )
    return detected


def display_name(upload) -> str:
    """The name shown to people; storage keys are generated elsewhere and never use it."""
    try:
        return get_valid_filename(upload.name or "")[:200]
    except SuspiciousFileOperation:
        return "attachment"
