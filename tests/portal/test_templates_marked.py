"""Every page, email and partial of the project is marked for translation: another language is
a catalogue (locale/), not a change to the templates.

A reading of each template without rendering it: the Django lexer splits it into text, {{ }}
and {% %}; the text outside HTML tags, <script>, <style> and comments is what a reader sees
(bar <code>, which holds names a program reads),
and so are the attributes read out or shown (aria-label, title, placeholder, alt, data-label)
and the words a template passes as a default or a yes/no. Whatever holds letters there and is
not inside {% translate %} or {% blocktranslate %} is an unmarked text.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import DebugLexer, TokenType

ROOT = Path(settings.BASE_DIR)

# Copies of a library's own templates, which translate in the library's catalogue or hold
# only markup.
VENDORED = ("templates/rest_framework/",)

# Templates still to be marked. Empty once every template is.
NOT_YET_MARKED: set[str] = set()

CODE_TAGS = {"code", "kbd", "samp"}
LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z]+)?")
READ_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "data-label"}
WORDS = re.compile(r"[A-Za-z]{2,}")
ENTITY = re.compile(r"&#?\w+;")
BLANK_LINE = re.compile(r"\n[ \t]*\n")
# A text a template hands on: {{ x|default:"None" }}, yesno:"Yes,No", heading="Send files".
LITERAL_TEXT = re.compile(r"""(?:\b(?:default|default_if_none|yesno):|\b\w+=)(["'])([^"']*)\1""")
SKIPPED_BLOCKS = {
    "comment": "endcomment",
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
    "verbatim": "endverbatim",
}


def has_words(text: str) -> bool:
    return bool(WORDS.search(ENTITY.sub(" ", text)))


@dataclass
class Piece:
    """A text or a {{ variable }} of a run of words, with where it sits in the source."""

    kind: str  # "text" or "var"
    source: str
    start: int
    end: int


@dataclass
class Run:
    """Words a reader sees together: text and variables between two tags or {% %}."""

    pieces: list[Piece]
    attribute: str = ""  # the attribute it is the value of, or "" for text of the page
    whole: bool = True  # False if a {% %} sits inside (an attribute value then cannot be marked)

    @property
    def words(self) -> bool:
        return any(p.kind == "text" and has_words(p.source) for p in self.pieces)


@dataclass
class Reading:
    runs: list[Run]
    literals: list[tuple[int, str]]  # (offset, text) of texts handed on in {{ }} or {% %}


def read(source: str, *, paragraphs: bool = False) -> Reading:
    """The runs of words of a template outside translation tags; with paragraphs, a blank line
    ends a run (plain-text emails keep their line breaks)."""
    runs: list[Run] = []
    literals: list[tuple[int, str]] = []
    run: list[Piece] = []
    state = "text"  # text, tag, value, raw (script or style), comment
    tag = attribute = quote = ""
    value: list[Piece] = []
    value_whole = True
    skip_until = ""

    def end_run() -> None:
        nonlocal run
        if run and tag not in CODE_TAGS:
            runs.append(Run(run))
        run = []

    for token in DebugLexer(source).tokenize():
        assert token.position is not None  # the debug lexer places every token
        start, end = token.position
        if skip_until:
            if token.token_type == TokenType.BLOCK and token.contents.split()[0] == skip_until:
                skip_until = ""
            continue
        if token.token_type == TokenType.COMMENT:
            end_run()
            continue
        if token.token_type in (TokenType.VAR, TokenType.BLOCK):
            for match in LITERAL_TEXT.finditer(token.contents):
                if " " in match.group(2) or token.token_type == TokenType.VAR:
                    text = match.group(2)
                    if has_words(text) and not LANGUAGE_TAG.fullmatch(text):
                        literals.append((start, match.group(0)))
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0]
            if state == "text":
                end_run()
            elif state == "value":
                value_whole = False
            if name in SKIPPED_BLOCKS:
                skip_until = SKIPPED_BLOCKS[name]
            continue
        if token.token_type == TokenType.VAR:
            piece = Piece("var", source[start:end], start, end)
            if state == "text":
                run.append(piece)
            elif state == "value":
                value.append(piece)
            continue
        text = token.contents
        i = 0
        while i < len(text):
            if state == "text":
                j = text.find("<", i)
                if paragraphs:
                    blank = BLANK_LINE.search(text, i)
                    if blank and (j == -1 or blank.start() < j):
                        stop = blank.start()
                        run.append(Piece("text", text[i:stop], start + i, start + stop))
                        end_run()
                        i = blank.end()
                        continue
                if j == -1:
                    run.append(Piece("text", text[i:], start + i, start + len(text)))
                    break
                if j > i:
                    run.append(Piece("text", text[i:j], start + i, start + j))
                if text.startswith("<!--", j):
                    end_run()
                    state, i = "comment", j + 4
                elif j + 1 < len(text) and (text[j + 1].isalpha() or text[j + 1] in "/!"):
                    end_run()
                    m = re.match(r"</?([A-Za-z0-9-]*)", text[j:])
                    tag = m.group(1).lower() if m and not m.group(0).startswith("</") else ""
                    state, attribute, i = "tag", "", j + (len(m.group(0)) if m else 1)
                else:
                    run.append(Piece("text", "<", start + j, start + j + 1))
                    i = j + 1
            elif state == "comment":
                j = text.find("-->", i)
                if j == -1:
                    break
                state, i = "text", j + 3
            elif state == "raw":
                m = re.compile(rf"</{tag}", re.IGNORECASE).search(text, i)
                if not m:
                    break
                state, i = "text", m.start()
            elif state == "tag":
                c = text[i]
                if c == ">":
                    state = "raw" if tag in ("script", "style") else "text"
                    i += 1
                elif c == "=":
                    m = re.match(r"=\s*([\"'])", text[i:])
                    if m:
                        state, quote, value, value_whole = "value", m.group(1), [], True
                        i += len(m.group(0))
                    else:
                        i += 1
                elif attr := re.match(r"[\w:.-]+", text[i:]):
                    attribute = attr.group(0).lower()
                    i += len(attr.group(0))
                else:
                    i += 1
            elif state == "value":
                j = text.find(quote, i)
                if j == -1:
                    value.append(Piece("text", text[i:], start + i, start + len(text)))
                    break
                if j > i:
                    value.append(Piece("text", text[i:j], start + i, start + j))
                if attribute in READ_ATTRIBUTES and value:
                    runs.append(Run(value, attribute=attribute, whole=value_whole))
                state, i = "tag", j + 1
    end_run()
    return Reading([r for r in runs if r.words], literals)


def project_templates() -> list[Path]:
    folders = [ROOT / "templates", *ROOT.glob("*/templates"), *ROOT.glob("*/*/templates")]
    found = {
        path
        for folder in folders
        for path in folder.rglob("*")
        if path.suffix in (".html", ".txt") and ".venv" not in path.parts
    }
    return sorted(path for path in found if not str(path.relative_to(ROOT)).startswith(VENDORED))


def unmarked(path: Path) -> list[str]:
    source = path.read_text()
    reading = read(source, paragraphs=path.suffix == ".txt")
    found = []
    for run in reading.runs:
        line = source.count("\n", 0, run.pieces[0].start) + 1
        words = "".join(p.source for p in run.pieces).strip()
        where = f" ({run.attribute}=)" if run.attribute else ""
        found.append(f"line {line}{where}: {words[:70]!r}")
    for offset, literal in reading.literals:
        found.append(f"line {source.count(chr(10), 0, offset) + 1}: {literal!r}")
    return found


def test_project_templates_are_found():
    names = {str(p.relative_to(ROOT)) for p in project_templates()}

    assert "templates/base.html" in names
    assert "complaints/templates/complaints/widgets/guided_radio_option.html" in names
    assert not any(name.startswith(VENDORED) for name in names)


@pytest.mark.parametrize("path", project_templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_template_marks_its_text_for_translation(path):
    name = str(path.relative_to(ROOT))
    if name in NOT_YET_MARKED:
        pytest.skip("not yet marked for translation")

    assert unmarked(path) == []


def test_not_yet_marked_names_templates_that_still_hold_text():
    still = {str(p.relative_to(ROOT)) for p in project_templates() if unmarked(p)}

    assert still >= NOT_YET_MARKED


def test_reading_finds_text_attributes_and_defaults():
    source = (
        '{% load i18n %}<p title="Due date">Due {{ when }}.</p>{% translate "Marked" %}'
        "{% blocktranslate trimmed %}Also {{ x }}{% endblocktranslate %}"
        '<script>let a = "words here";</script><!-- a note --> {{ x|default:"None given" }}'
        "<td data-label=\"{% translate 'Grade' %}\">{{ g }}</td>"
    )

    reading = read(source)

    assert [("".join(p.source for p in r.pieces), r.attribute) for r in reading.runs] == [
        ("Due date", "title"),
        ("Due {{ when }}.", ""),
    ]
    assert [text for _, text in reading.literals] == ['default:"None given"']


def test_reading_of_plain_text_ends_runs_at_blank_lines():
    source = "Dear {{ name }},\n\nYour case {{ ref }}\nis open.\n"

    reading = read(source, paragraphs=True)

    assert ["".join(p.source for p in r.pieces) for r in reading.runs] == [
        "Dear {{ name }},",
        "Your case {{ ref }}\nis open.\n",
    ]
