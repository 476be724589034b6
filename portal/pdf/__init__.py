"""The one way the portal prints a PDF: ``Document``, an fpdf2 document whose text is set in
the fonts bundled beside this module, so that names print as they were written in any script
the portal meets (Latin with every accent, Greek, Cyrillic, Arabic).

fpdf2's built-in fonts (Helvetica and the rest) hold Latin-1 only. Here every text is set in
Noto Sans, and a letter Noto Sans lacks (Arabic) falls back to Noto Sans Arabic, character by
character. HarfBuzz (``uharfbuzz``) shapes each run of text: Arabic letters take their
joined forms, right-to-left runs are laid out right to left, and accents sit on their
letters. A letter none of the fonts holds (Chinese, for one) prints as the replacement
character, U+FFFD, rather than vanish from the name. ``fonts/OFL.txt`` is the fonts'
licence, which goes wherever they go.

    pdf = Document(orientation="landscape")
    pdf.add_page()
    pdf.set_font(style="B", size=14)
    pdf.cell(0, 8, f"Statement of entry: {centre.number} {centre.name}")
    return bytes(pdf.output())
"""

import unicodedata
from pathlib import Path
from typing import Literal

from fpdf import FPDF
from fpdf.fonts import TTFFont

FONTS = Path(__file__).resolve().parent / "fonts"

# Family name -> {style: file}. The first family is the text's; the others fill in letters it
# lacks. Only the faces the portal's documents use are bundled (no bold italic).
FAMILIES: dict[str, dict[str, str]] = {
    "NotoSans": {
        "": "NotoSans-Regular.ttf",
        "B": "NotoSans-Bold.ttf",
        "I": "NotoSans-Italic.ttf",
    },
    "NotoSansArabic": {
        "": "NotoSansArabic-Regular.ttf",
        "B": "NotoSansArabic-Bold.ttf",
    },
}
TEXT_FAMILY, *FALLBACK_FAMILIES = FAMILIES

# What is printed in place of a letter no bundled font holds.
MISSING = "\ufffd"


class Document(FPDF):
    """An A4 document set in the bundled fonts, with text shaping on.

    Choose a style and size with ``set_font(style=..., size=...)``: the family is always the
    bundled one. A style a fallback family lacks (italic Arabic) takes that family's regular
    face rather than printing nothing.
    """

    def __init__(
        self,
        orientation: Literal["portrait", "landscape"] = "portrait",
        *,
        title: str = "",
        author: str = "",
    ) -> None:
        super().__init__(orientation=orientation, format="A4")
        for family, faces in FAMILIES.items():
            for style, filename in faces.items():
                self.add_font(family, style, FONTS / filename)
        self.set_fallback_fonts(FALLBACK_FAMILIES, exact_match=False)
        self._printable = frozenset(
            char for font in self.fonts.values() if isinstance(font, TTFFont) for char in font.cmap
        )
        self.set_text_shaping(True)
        self.set_font(TEXT_FAMILY, size=10)
        if title:
            self.set_title(title)
        if author:
            self.set_author(author)

    def normalize_text(self, text: str) -> str:
        # A name typed as a letter and its combining accents (as some keyboards send it) is
        # printed, and read back from the PDF, as the precomposed letter where there is one.
        text = unicodedata.normalize("NFC", text)
        # fpdf2 leaves out, without a word, a letter none of the fonts has.
        text = "".join(char if self._printable_char(char) else MISSING for char in text)
        return super().normalize_text(text)

    def _printable_char(self, char: str) -> bool:
        # Controls and format characters (a line break, a zero-width joiner) have no glyph of
        # their own: they steer the layout or the shaping.
        return ord(char) in self._printable or unicodedata.category(char) in ("Cc", "Cf")
