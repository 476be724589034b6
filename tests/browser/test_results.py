"""An exams officer reads their results in a real browser, by keyboard: the series, the
countdown before release in the centre's time zone, a series' results with filters and
totals, the CSV and a statement of results."""

import re

import pytest
from playwright.sync_api import expect

from entries.demo import seed_entries
from results.demo import seed_results
from tests.browser.pages import (
    check_page,
    choose_option,
    press_button,
    signed_in_as,
    tab_to,
    visit,
)

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture(autouse=True)
def _results(demo):
    seed_entries()
    seed_results()


def test_officer_reads_released_results_by_keyboard(page, live_server):
    signed_in_as(page, live_server.url, "officer1")
    check_page(page)
    tab_to(page, "a", text="Results")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Results")

    tab_to(page, "a", text="See the June 2026 results")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page)
    expect(page.get_by_role("heading", name="Totals by grade")).to_be_visible()
    expect(page.get_by_text("PK002")).to_have_count(0)

    choose_option(page, "#f-syllabus", "0580 Mathematics")
    press_button(page, "Show results")
    check_page(page)
    expect(page.get_by_role("link", name=re.compile(r"^Statement of results"))).to_have_count(4)
    expect(page).to_have_url(re.compile(r"syllabus=0580"))

    with page.expect_download() as csv:
        page.get_by_role("link", name="Download these results (CSV)").click()
    assert csv.value.suggested_filename == "results-J26.csv"
    response = page.request.get(f"{live_server.url}/results/J26/GB001/0001/statement.pdf")
    assert response.ok and response.headers["content-type"] == "application/pdf"


def test_officer_waits_for_results_with_a_countdown(page, live_server):
    signed_in_as(page, live_server.url, "officer2")
    visit(page, "/results/")
    visit(page, "/results/N26/")
    expect(page.get_by_role("timer")).to_contain_text(re.compile(r"Released in [0-9]+ days"))
    expect(page.get_by_text("Asia/Karachi time")).to_be_visible()
    # Held by QA: shown withheld.
    visit(page, "/results/J26/")
    expect(page.locator("td", has_text="Withheld").first).to_be_visible()


def test_officer_pages_through_results_by_keyboard(page, live_server, monkeypatch):
    """Next and Previous lead through a series' results (each page read from where the last
    ended), by keyboard and at 360 px."""
    from results import views

    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    signed_in_as(page, live_server.url, "officer1")
    visit(page, f"{live_server.url}/results/J26/")
    first = page.locator("tbody tr").all_inner_texts()
    expect(page.get_by_text(re.compile(r"^Page 1 of \d+$"))).to_be_visible()

    tab_to(page, "a[rel=next]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page)
    expect(page).to_have_url(re.compile(r"page=2&after=\d+-\d+-\d+"))
    expect(page.get_by_text(re.compile(r"^Page 2 of \d+$"))).to_be_visible()
    assert page.locator("tbody tr").all_inner_texts() != first

    tab_to(page, "a[rel=prev]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page)
    expect(page).to_have_url(re.compile(r"page=1&before=\d+-\d+-\d+"))
    assert page.locator("tbody tr").all_inner_texts() == first
