"""The page checks themselves: each catches the fault it is there for, and passes a page
without it. Pages are written here, so no server is needed."""

import re
import uuid
from pathlib import Path

import pytest

from tests.browser import pages
from tests.browser.pages import check_page

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
CSS = (Path(__file__).resolve().parents[2] / "static" / "css" / "portal.css").read_text()

HEAD = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Test</title>
<style>{CSS}</style></head><body><main class="container"><h1>Test</h1>"""
ROWS = "".join(
    f"<tr><td data-label='Reference'>CMP-2026-00000{n}</td>"
    f"<td data-label='Subject'>Question papers arrived two days late</td>"
    f"<td data-label='Status'>Acknowledged</td>"
    f"<td data-label='Deadlines'>Respond to a complaint: due in 10 working days</td></tr>"
    for n in range(3)
)
THEAD = (
    "<thead><tr><th>Reference</th><th>Subject</th><th>Status</th><th>Deadlines</th></tr></thead>"
)


def page_with(blank_page, body: str):
    blank_page.set_content(f"{HEAD}{body}</main></body></html>")
    return blank_page


def test_check_page_passes_a_stacked_table(blank_page):
    page = page_with(blank_page, f"<table class='stacked'>{THEAD}<tbody>{ROWS}</tbody></table>")

    check_page(page)


def test_check_page_when_columns_hide_off_screen_at_360_px(blank_page):
    wide = f"<div class='table-wrap'><table>{THEAD}<tbody>{ROWS}</tbody></table></div>"
    page = page_with(blank_page, wide)

    with pytest.raises(AssertionError, match=r"at 360 px: <t[dh]> \"(Status|Deadlines)"):
        check_page(page)


def test_check_page_when_a_field_is_wider_than_the_page(blank_page):
    page = page_with(
        blank_page,
        "<label for='x'>Name</label>"
        "<input id='x' type='text' style='width: 900px; max-width: none'>",
    )

    with pytest.raises(AssertionError, match=r"at 360 px: <input>"):
        check_page(page)


def test_check_page_when_axe_finds_a_serious_violation(blank_page):
    page = page_with(blank_page, "<p style='color: #bbb'>Pale grey on white</p>")

    with pytest.raises(AssertionError, match=r"axe serious: color-contrast"):
        check_page(page)


def test_check_page_when_a_field_has_no_name(blank_page):
    page = page_with(blank_page, "<input type='text'>")

    with pytest.raises(AssertionError, match=r"axe critical: label"):
        check_page(page)


def test_check_page_measures_a_page_again_only_when_it_changed(blank_page):
    def measured() -> int:
        return pages.PAGES_MEASURED[0] - before

    before = pages.PAGES_MEASURED[0]
    form = (
        f"<p>{uuid.uuid4()}</p><form><input type='hidden' name='csrfmiddlewaretoken' value='a'>"
        "<label for='name'>Name</label><input id='name' type='text'></form>"
    )
    page = page_with(blank_page, form)
    check_page(page)
    # The same page with another CSRF token, as a second request of it shows it.
    page_with(blank_page, form.replace("value='a'", "value='b'"))
    check_page(page)
    assert measured() == 1
    page.locator("#name").focus()
    check_page(page)
    assert measured() == 2
    page.keyboard.type("Achieng")
    check_page(page)
    assert measured() == 3


def test_check_page_fails_a_faulty_page_every_time(blank_page):
    page = page_with(blank_page, f"<p style='color: #bbb'>{uuid.uuid4()}</p>")
    for _ in range(2):
        with pytest.raises(AssertionError, match=r"axe serious: color-contrast"):
            check_page(page)


def test_every_table_of_the_templates_stacks_on_a_phone():
    """A table added without the pattern hides its last columns off a phone's screen."""
    faults = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for table in re.findall(r"<table[^>]*>", text):
            if "stacked" not in table:
                faults.append(f"{path.relative_to(TEMPLATES)}: {table} lacks class stacked")
        for cell in re.findall(r"<td[^>]*>", text):
            if "data-label" not in cell and "colspan" not in cell:
                faults.append(f"{path.relative_to(TEMPLATES)}: {cell} lacks data-label")
    assert faults == []
