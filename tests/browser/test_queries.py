"""Queries in a real browser, by keyboard at 360 and 1280 px: an exams officer asks a
question (a refused one first), finds it on the centre's list and reads the answer."""

import re

import pytest
from playwright.sync_api import expect

from complaints.helpdesk.demo import seed_help, seed_queries
from complaints.helpdesk.models import Query
from tests.browser.pages import (
    check_page,
    press_button,
    signed_in_as,
    tab_to,
    type_into,
    visit,
)

pytestmark = pytest.mark.usefixtures("demo")


def test_officer_asks_a_question_and_reads_an_answer_by_keyboard(page, live_server):
    seed_help()
    seed_queries()
    signed_in_as(page, live_server.url, "officer1")
    tab_to(page, "a", text="Queries")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Queries")
    expect(page.get_by_text("Referred to a specialist team: Results team")).to_be_visible()

    tab_to(page, "a.button", text="Ask a question")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page)
    press_button(page, "Send the question")
    expect(page).to_have_title(re.compile(r"^Error: Ask a question"))
    check_page(page)

    # What the officer types brings up the help centre's answers that may already answer it.
    type_into(page, "#id_subject", "Timetable clash")
    suggestions = page.locator("#help-suggestions")
    expect(suggestions).to_be_visible()
    expect(suggestions.get_by_role("link")).to_have_text(
        ["What do we do about a timetable clash? (opens in a new tab)"]
    )
    check_page(page)
    page.fill("#id_subject", "")
    type_into(page, "#id_subject", "Candidate transfer")
    type_into(page, "#id_body", "A candidate moves to us in March: can their entries follow?")
    press_button(page, "Send the question")
    check_page(page)
    asked = Query.objects.get(subject="Candidate transfer")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{asked.reference}: Candidate transfer"
    )
    expect(page.get_by_text("Answer an email or web query")).to_be_visible()

    answered = Query.objects.get(status="answered")
    visit(page, "/queries/?show=all")
    tab_to(page, "a", text=answered.reference)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page)
    expect(page.get_by_role("heading", name="Our answer")).to_be_visible()
