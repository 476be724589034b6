"""Checking a file against a policy: by its content, and its name must agree.

The browser's announced type is never read. libmagic names the type from the first bytes;
Office documents, which are zip archives inside, are named from the archive's own
``[Content_Types].xml``. The type must be one the policy accepts, the file's extension one
that goes with that type (an HTML page named ``letter.pdf`` is refused, and so is a PDF
named ``letter.exe``), and the size within that type's limit.

Images are never decoded here, so Pillow's decompression bombs do not arise; whoever makes
thumbnails later must lower ``Image.MAX_IMAGE_PIXELS`` and turn its warning into an error.
"""

import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from xml.etree import ElementTree

import magic

from portal.errors import UploadRefused, UploadTooLarge
from portal.uploads.policies import FileRule, UploadPolicy, format_size

# libmagic reads this much of a file itself; Word 97 documents need more than a few
# kilobytes before they are told apart from any other OLE container.
SNIFF_BYTES = 1024 * 1024
# Only the small manifest of an Office archive is read, and never more than this of it.
MANIFEST_BYTES = 256 * 1024
NAME_LENGTH = 255

# Names that differ between libmagic versions for the same thing: policies use the right.
ALIASES = {
    "application/x-dosexec": "application/vnd.microsoft.portable-executable",
    "image/x-ms-bmp": "image/bmp",
    "audio/x-wav": "audio/wav",
    "audio/x-aiff": "audio/aiff",
}

# The main part of an Office Open XML package names what the package is.
OFFICE_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template"
    ),
    "application/vnd.ms-word.document.macroenabled.main+xml": (
        "application/vnd.ms-word.document.macroenabled.12"
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    "application/vnd.ms-excel.sheet.macroenabled.main+xml": (
        "application/vnd.ms-excel.sheet.macroenabled.12"
    ),
    "application/vnd.ms-excel.sheet.binary.macroenabled.main": (
        "application/vnd.ms-excel.sheet.binary.macroenabled.12"
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    ),
    "application/vnd.ms-powerpoint.presentation.macroenabled.main+xml": (
        "application/vnd.ms-powerpoint.presentation.macroenabled.12"
    ),
}
OFFICE_TYPES = set(OFFICE_MAIN_PARTS.values())


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed a policy: what to store, and what was found out about it."""

    file: object
    name: str
    content_type: str
    size: int
    policy: UploadPolicy


def display_name(name: str | None, *, default: str = "file") -> str:
    """The name shown to people and given to downloads: the last part of the path the
    browser sent, without control characters, at most 255 characters with its extension
    kept. It is never used as a storage key."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    if not name:
        return default
    if len(name) > NAME_LENGTH:
        suffix = PurePosixPath(name).suffix[:20]
        name = name[: NAME_LENGTH - len(suffix)] + suffix
    return name


def extension_of(name: str) -> str:
    return PurePosixPath(name).suffix.lower()


def detect_type(file) -> str:
    """The content type of an open, seekable file, from its bytes; leaves it at the start."""
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    detected = magic.from_buffer(head, mime=True).lower()
    if head.startswith(b"PK\x03\x04"):
        # libmagic guesses Office documents from the first entry's name; the package's
        # manifest says what it is, and a zip without one is only a zip.
        office = _office_type(file)
        if office is not None:
            detected = office
        elif detected in OFFICE_TYPES:
            detected = "application/zip"
    return ALIASES.get(detected, detected)


def _office_type(file) -> str | None:
    try:
        with zipfile.ZipFile(file) as archive, archive.open("[Content_Types].xml") as manifest:
            root = ElementTree.fromstring(manifest.read(MANIFEST_BYTES))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, OSError, RuntimeError):
        # RuntimeError: an encrypted entry. None of these is an Office document we can name.
        return None
    finally:
        file.seek(0)
    for element in root:
        found = OFFICE_MAIN_PARTS.get(element.get("ContentType", "").lower())
        if found and element.get("PartName", "").count("/") == 2:
            return found
    return None


def check_file(
    file, *, policy: UploadPolicy, name: str | None = None, size: int | None = None
) -> CheckedFile:
    """Check one uploaded file (anything with ``name``, ``size``, ``seek`` and ``read``).

    In order: not empty; not over the largest limit of the policy (before reading a byte);
    an extension the policy knows; content of a type the policy accepts, that agrees with
    the extension; within that type's limit. Raises ``UploadRefused`` (415) or
    ``UploadTooLarge`` (413) with a message naming the file and what is accepted.
    """
    name = display_name(name if name is not None else getattr(file, "name", None))
    size = file.size if size is None else size
    accepted = f"Accepted: {policy.describe()}."
    if not size:
        raise UploadRefused(f"{name} is empty. {accepted}", field=policy.field)
    if size > policy.largest:
        raise UploadTooLarge(
            f"{name} is {format_size(size)}; the limit is {format_size(policy.largest)}. "
            f"{accepted}",
            field=policy.field,
        )
    extension = extension_of(name)
    if not policy.rules_for_extension(extension):
        kind = f"{extension} files are" if extension else "A file without an extension is"
        raise UploadRefused(
            f"{name} cannot be accepted: {kind} not accepted here. {accepted}", field=policy.field
        )
    detected = detect_type(file)
    rule = policy.rule_for(detected)
    if rule is None:
        raise UploadRefused(
            f"{name} cannot be accepted: its content is of the type {detected}, which is not "
            f"accepted here. {accepted}",
            field=policy.field,
        )
    if extension not in rule.extensions:
        raise UploadRefused(
            f"{name} cannot be accepted: its name says {extension} but its content is "
            f"{rule.label} ({', '.join(rule.extensions)}). {accepted}",
            field=policy.field,
        )
    _check_size(name, size, rule, field=policy.field)
    return CheckedFile(file=file, name=name, content_type=detected, size=size, policy=policy)


def check_announced(name: str, size: int, *, policy: UploadPolicy) -> list[FileRule]:
    """Check a file before any of its bytes arrive (a resumable upload is announced with
    its name and size): answer the rules it may turn out to match, or refuse it. Its
    content is checked with ``check_file`` or ``attach_stored_file`` once it has arrived."""
    name = display_name(name)
    accepted = f"Accepted: {policy.describe()}."
    if size <= 0:
        raise UploadRefused(f"{name} is empty. {accepted}", field=policy.field)
    rules = policy.rules_for_extension(extension_of(name))
    if not rules:
        raise UploadRefused(
            f"{name} cannot be accepted: its type is not accepted here. {accepted}",
            field=policy.field,
        )
    largest = max(rules, key=lambda rule: rule.limit)
    _check_size(name, size, largest, field=policy.field)
    return rules


def _check_size(name: str, size: int, rule: FileRule, *, field: str) -> None:
    if size > rule.limit:
        raise UploadTooLarge(
            f"{name} is {format_size(size)}; the limit for {rule.label} is "
            f"{format_size(rule.limit)}.",
            field=field,
        )
