"""The portal's PDF document: names print as written in every script, in every style the
documents use, Arabic shaped, from fonts bundled with their licence."""

import logging
import unicodedata

import pytest

from portal.pdf import FAMILIES, FONTS, Document
from tests.pdftext import NAMES, assert_printed, needs_pdftotext, pdf_text


def _printed(*lines: str, style: str = "") -> str:
    pdf = Document()
    pdf.add_page()
    pdf.set_font(style=style, size=11)
    for line in lines:
        pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return pdf_text(bytes(pdf.output()))


@needs_pdftotext
@pytest.mark.parametrize("style", ["", "B", "I"])
@pytest.mark.parametrize(("surname", "forenames"), NAMES)
def test_document_prints_name_as_written(surname, forenames, style):
    text = _printed(f"{surname}, {forenames}", f"Candidate: {forenames} {surname}", style=style)

    assert_printed(text, surname, forenames)


@needs_pdftotext
def test_document_prints_letter_typed_with_combining_accents_as_one_letter():
    typed = unicodedata.normalize("NFD", "Nguyễn Thị")

    text = _printed(typed)

    assert "Nguyễn Thị" in text


@needs_pdftotext
def test_document_prints_letter_no_font_holds_as_replacement_character_never_leaves_it_out():
    text = _printed("Wang 王小明, Łukasz")

    assert "Wang \ufffd\ufffd\ufffd, Łukasz" in text


def test_document_joins_arabic_letters():
    pdf = Document()
    pdf.add_page()

    # Shaped, the letters of a word take their joined forms, as wide as they are joined; set
    # one by one (unshaped), the word would be as wide as its letters alone, added up.
    for word in ("محمد", "الهاشمي"):
        alone = sum(pdf.get_string_width(letter) for letter in word)
        assert pdf.get_string_width(word) != pytest.approx(alone)


def test_fonts_are_bundled_with_their_licence():
    files = sorted(name for faces in FAMILIES.values() for name in faces.values())

    assert all((FONTS / name).is_file() for name in files)
    assert sorted(path.name for path in FONTS.glob("*.ttf")) == files
    assert "SIL OPEN FONT LICENSE Version 1.1" in (FONTS / "OFL.txt").read_text()


def test_document_written_without_font_chatter_in_the_logs(caplog):
    caplog.set_level(logging.INFO)
    pdf = Document()
    pdf.add_page()
    pdf.cell(0, 7, "Nguyễn, محمد")

    bytes(pdf.output())

    assert [record.name for record in caplog.records if record.levelno < logging.WARNING] == []
