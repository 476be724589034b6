"""What a PDF says, as a reader copying its text would get it: the text poppler's
``pdftotext`` (Debian's poppler-utils) extracts. Without pdftotext the tests that read PDFs
are skipped, never failed; ``bin/test`` says so in one line.

Names in every script the portal's PDFs must print, and ``assert_printed``, which finds them
in the text. Arabic is read back one word at a time: pdftotext gives each right-to-left run
in logical order (the order it was typed), with direction marks around it, but places the
runs of a line as they sit on the page, and an older poppler may give a run's letters in
visual order. Either way every letter must be there, never a "?" in its place.
"""

import shutil
import subprocess
import unicodedata

import pytest

PDFTOTEXT = shutil.which("pdftotext")
needs_pdftotext = pytest.mark.skipif(
    PDFTOTEXT is None, reason="no pdftotext (apt-get install poppler-utils)"
)

# (surname, forenames), as an officer types them.
NAMES = [
    pytest.param("Nguyễn", "Thị Minh Khai", id="vietnamese"),
    pytest.param("Łukasiewicz-Żółć", "Łukasz Grzegorz", id="polish"),
    pytest.param("Öztürk", "Şükrü İsmail Ağaoğlu", id="turkish"),
    pytest.param("Ærøskøbing", "Åse Sølvi", id="nordic"),
    pytest.param("Παπαδοπούλου", "Ελένη", id="greek"),
    pytest.param("Иванова", "Мария Сергеевна", id="cyrillic"),
    pytest.param("الهاشمي", "محمد عبد الله", id="arabic"),
]

# The direction marks pdftotext writes around a right-to-left run: not part of the text.
_DIRECTION_MARKS = dict.fromkeys(
    map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)


def pdf_text(content: bytes) -> str:
    """The text of a PDF, in NFC, without direction marks."""
    assert PDFTOTEXT is not None, "mark the test with needs_pdftotext"
    done = subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return unicodedata.normalize("NFC", done.stdout.decode()).translate(_DIRECTION_MARKS)


def _right_to_left(value: str) -> bool:
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in value)


def assert_printed(text: str, *values: str) -> None:
    """Each value is in the text: whole, or for a right-to-left value each of its words, in
    logical or in visual order (shaped letters read back as their plain forms)."""
    plain = unicodedata.normalize("NFKC", text)
    for value in values:
        if not _right_to_left(value):
            assert value in text, f"{value!r} not printed in:\n{text}"
            continue
        for word in value.split():
            assert word in plain or word[::-1] in plain, f"{word!r} not printed in:\n{text}"
    assert "?" not in text, f"a letter printed as '?' in:\n{text}"
