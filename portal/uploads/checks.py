"""Checking a file against a policy: by its content, and its name must agree.

The browser's announced type is never read. libmagic names the type from the first bytes;
Office documents, which are zip archives inside, are named from the archive's own
``[Content_Types].xml``. The type must be one the policy accepts, the file's extension one
that goes with that type (an HTML page named ``letter.pdf`` is refused, and so is a PDF
named ``letter.exe``), and the size within that type's limit.

Images are never decoded here, so Pillow's decompression bombs do not arise; whoever makes
thumbnails later must lower ``Image.MAX_IMAGE_PIXELS`` and turn its warning into an error.

Zip archives (``.pages``, ``.zip``, Office documents) are refused when they would unpack to
more than the malware scanner reads (``ARCHIVE_MAX_BYTES``), far more than their size
(``ARCHIVE_MAX_RATIO``), into too many files, or through archives nested too deep: a "zip
bomb" of a few kilobytes that unpacks to 100 GB would make clamd stop at its limits, and
what it did not read it cannot call clean. Only the archives' directories are read, and a
nested archive is opened only when small.
"""

import io
import unicodedata
import zipfile
import zlib
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

# What clamd reads of one file at most (MaxScanSize in .ci/clamav/clamd.conf.in and
# docker-compose.yml): an archive that unpacks to more could not be scanned whole.
ARCHIVE_MAX_BYTES = 2000 * 1024 * 1024
# Documents compress a few times, text at most some tens; deflate tops out near 1,000.
ARCHIVE_MAX_RATIO = 200
# Small archives may compress more (a page of spaces): the ratio counts past this size.
ARCHIVE_RATIO_FROM_BYTES = 10 * 1024 * 1024
# clamd's MaxFiles, and a depth of nesting no real document has (clamd's MaxRecursion is 17).
ARCHIVE_MAX_FILES = 10_000
ARCHIVE_MAX_DEPTH = 3
# A nested archive larger than this is not opened here: clamd reads it (within its limits).
NESTED_READ_BYTES = 16 * 1024 * 1024

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
    _check_archive(file, name=name, size=size, field=policy.field)
    return CheckedFile(file=file, name=name, content_type=detected, size=size, policy=policy)


def _check_archive(file, *, name: str, size: int, field: str) -> None:
    """Refuse a zip archive that unpacks to an absurd size (see the module's docstring)."""
    file.seek(0)
    is_zip = file.read(4) == ZIP
    file.seek(0)
    if not is_zip:
        return
    try:
        expanded, files = _unpacked(file, size=size, depth=0)
    except _ArchiveRefused as refused:
        raise UploadRefused(f"{name} cannot be accepted: {refused}", field=field) from None
    finally:
        file.seek(0)
    if expanded > ARCHIVE_MAX_BYTES:
        raise UploadTooLarge(
            f"{name} cannot be accepted: it is an archive that unpacks to more than the "
            f"{format_size(ARCHIVE_MAX_BYTES)} the malware scanner can read. Send its "
            f"contents in smaller files.",
            field=field,
        )
    if files > ARCHIVE_MAX_FILES:
        raise UploadRefused(
            f"{name} cannot be accepted: it is an archive of more than "
            f"{ARCHIVE_MAX_FILES:,} files. Send fewer files in each archive.",
            field=field,
        )


ZIP = b"PK\x03\x04"


class _ArchiveRefused(Exception):
    pass


def _unpacked(file, *, size: int, depth: int) -> tuple[int, int]:
    """What a zip archive of ``size`` bytes unpacks to, nested archives included:
    ``(bytes, files)``, as its directories declare (no member is read past its declared
    size). Stops counting once over a limit; refuses one that unpacks far beyond its size."""
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError):
        # Only starts like an archive: clamd reads it as it is.
        return 0, 0
    expanded, files = 0, 0
    with archive:
        for member in archive.infolist():
            expanded += member.file_size
            files += 1
            if expanded > ARCHIVE_MAX_BYTES or files > ARCHIVE_MAX_FILES:
                return expanded, files
            nested = _nested_archive(archive, member)
            if nested is None:
                continue
            if depth + 1 > ARCHIVE_MAX_DEPTH:
                raise _ArchiveRefused(
                    f"it holds archives inside archives more than {ARCHIVE_MAX_DEPTH} deep. "
                    f"Send the files themselves."
                )
            inner_bytes, inner_files = _unpacked(nested, size=member.file_size, depth=depth + 1)
            expanded += inner_bytes
            files += inner_files
    if expanded > ARCHIVE_RATIO_FROM_BYTES and expanded > size * ARCHIVE_MAX_RATIO:
        raise _ArchiveRefused(
            f"{'it holds' if depth else 'it is'} an archive of {format_size(size)} that "
            f"unpacks to {format_size(expanded)}, far more than any document does."
        )
    return expanded, files


def _nested_archive(archive: zipfile.ZipFile, member: zipfile.ZipInfo):
    """The member as an open archive, if it is a zip small enough to open here."""
    if member.is_dir() or member.flag_bits & 0x1 or member.file_size > NESTED_READ_BYTES:
        return None  # a folder, an encrypted file, or one clamd opens within its limits
    try:
        with archive.open(member) as opened:
            if opened.read(4) != ZIP:
                return None
            return io.BytesIO(ZIP + opened.read(NESTED_READ_BYTES))
    except (zipfile.BadZipFile, zlib.error, OSError, RuntimeError, NotImplementedError, EOFError):
        return None


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
