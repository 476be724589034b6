"""Enquiries about results in a real browser, by keyboard at 360 and 1280 px: an exams
officer reads the centre's enquiries, opens one, and a refused enquiry shows its errors."""

import re

import pytest
from playwright.sync_api import expect

from entries.demo import seed_entries
from results.demo import seed_results
from results.enquiries.demo import seed_enquiries
from results.enquiries.models import Enquiry
from tests.browser.pages import (
    check_page,
    press_button,
    signed_in_as,
    tab_to,
    visit,
)

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture(autouse=True)
def _enquiries(demo):
    seed_entries()
    seed_results()
    seed_enquiries()


def test_officer_follows_enquiries_by_keyboard(page, live_server):
    signed_in_as(page, live_server.url, "officer1")
    tab_to(page, "a", text="Enquiries")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enquiries about results")

    visit(page, "/enquiries/?show=all")
    check_page(page)
    expect(page.get_by_text("(waived)")).to_have_count(1)
    changed = Enquiry.objects.get(centre__number="GB001", fee_waived=True)
    tab_to(page, "a", text=changed.reference)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(rf"^{changed.reference}"))
    expect(page.get_by_text("waived, because the grade changed")).to_be_visible()

    visit(page, "/enquiries/new/")
    check_page(page)
    press_button(page, "Send the enquiry")
    expect(page).to_have_title(re.compile(r"^Error: Make an enquiry"))
    check_page(page)


def test_officer_makes_an_enquiry_from_a_result(page, live_server):
    signed_in_as(page, live_server.url, "officer1")
    visit(page, "/results/J26/?syllabus=0580")
    tab_to(page, "a[href*='/enquiries/new/?result=']", most=200)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Make an enquiry about results")
    assert page.input_value("#id_candidate_number")
