"""Small files whose bytes are what their names say (or deliberately not)."""

import io
import struct
import zipfile

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
HTML = b"<!DOCTYPE html><html><head><script>alert(1)</script></head><body>hi</body></html>"
# The start of a Windows program: an MZ header pointing at a PE header.
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 44
    + struct.pack("<I", 64)
    + b"PE\x00\x00\x4c\x01"
    + b"\x00" * 200
)
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 40


def office(main_part: str, main_type: str) -> bytes:
    """An Office Open XML package: a zip whose manifest names its main part."""
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Override PartName="/{main_part}" ContentType="{main_type}"/></Types>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", manifest)
        archive.writestr(main_part, "<document/>")
    return buffer.getvalue()


DOCX = office(
    "word/document.xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
)
PPTX = office(
    "ppt/presentation.xml",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
)


def zip_of(**files: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def zeros_zipped(size: int) -> bytes:
    """A zip of one file of ``size`` zero bytes, streamed (never held whole)."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("zeros.bin", "w", force_zip64=True) as member,
    ):
        block = bytes(1024 * 1024)
        for _ in range(size // len(block)):
            member.write(block)
    return buffer.getvalue()


def zip_bomb(levels: int, *, width: int = 10, leaf: int = 100 * 1024 * 1024) -> bytes:
    """Archives of ``width`` archives, ``levels`` deep, around ``leaf`` zero bytes: a few
    kilobytes that unpack to ``leaf * width ** levels`` bytes."""
    bomb = zeros_zipped(leaf)
    for level in range(levels):
        bomb = zipped({f"{level}-{n}.zip": bomb for n in range(width)})
    return bomb


def nested(depth: int) -> bytes:
    """A small text file inside archives ``depth`` deep."""
    bomb = zipped({"note.txt": b"deep inside"})
    for level in range(depth):
        bomb = zipped({f"{level}.zip": bomb})
    return bomb
