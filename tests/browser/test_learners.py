"""A learner's journey in a real browser: their centre gives them access, the invitation's
link lets them choose a password, they see their own released results and the countdown to
the next series', and send their results to a university, in English and in Arabic, at 360
and 1280 px."""

import re

import pytest
from playwright.sync_api import expect

from entries.demo import seed_entries
from portal.notifications.models import Email
from results.demo import seed_results
from results.postresults.models import ServiceRequest
from tests.browser.pages import (
    check_page,
    choose_option,
    press_button,
    sign_in_by_keyboard,
    signed_in_as,
    type_into,
    visit,
)

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture(autouse=True)
def _results(demo):
    seed_entries()
    seed_results()


def _invited_learner(new_page, live_server, email: str, password: str):
    """An officer gives candidate 0001 of June 2026 access; the learner follows the
    invitation's link, chooses a password and signs in: their page, signed in."""
    officer = new_page()
    signed_in_as(officer, live_server.url, "officer1")
    visit(officer, "/learner-accounts/")
    press_button(officer, "Give access and send the invitation")
    expect(officer.locator(".error-summary")).to_be_visible()
    check_page(officer)
    choose_option(officer, "#id_series", "June 2026")
    type_into(officer, "#id_candidate_number", "0001")
    type_into(officer, "#id_email", email)
    press_button(officer, "Give access and send the invitation")
    expect(officer.get_by_role("table")).to_contain_text(email)
    check_page(officer)

    invitation = Email.objects.get(address=email)
    link = re.search(r"https?://\S+(/accounts/password/reset/\S+/)", invitation.body).group(1)
    username = re.search(r"Your username: (\S+)", invitation.body).group(1)
    learner = new_page()
    visit(learner, link)
    learner.locator("#id_new_password1").fill(password)
    learner.locator("#id_new_password2").fill(password)
    press_button(learner, "Set password")
    sign_in_by_keyboard(learner, live_server.url, username, password)
    expect(learner).to_have_url(re.compile(r"/learner/$"))
    check_page(learner)
    return learner


def _send_results(learner, button: str) -> None:
    """The learner sends their released results to a university, by keyboard."""
    choose_option(learner, "#id_series", "June 2026")
    type_into(learner, "#id_recipient_name", "University of Leeds")
    type_into(learner, "#id_recipient_email", "admissions@leeds.example")
    type_into(learner, "#id_reference", "UCAS 123")
    press_button(learner, button)
    expect(learner.locator(".messages")).to_contain_text("SRV-")
    expect(learner.locator("#send ~ ul")).to_contain_text("admissions@leeds.example")
    check_page(learner)


def test_officer_gives_access_and_the_learner_sees_and_sends_their_results(new_page, live_server):
    learner = _invited_learner(
        new_page, live_server, "grace.adams@example.org", "a-learner's-own-pass-42"
    )
    expect(learner.get_by_role("heading", level=1)).to_have_text("Your results")
    expect(learner.get_by_role("heading", name="Series J26")).to_be_visible()
    expect(learner.locator("[data-countdown]")).to_contain_text("Released in")
    expect(learner.get_by_role("navigation", name="Main")).not_to_contain_text("Entries")
    assert learner.request.get(f"{live_server.url}/entries/").status == 403

    press_button(learner, "Send my results")
    expect(learner.locator(".error-summary")).to_contain_text("Name the university or employer.")
    check_page(learner)
    _send_results(learner, "Send my results")
    expect(learner.locator(".messages")).to_contain_text("your results were sent.")
    sent = ServiceRequest.objects.get(recipient_email="admissions@leeds.example")
    assert (sent.status, sent.details) == ("sent", "Admissions reference: UCAS 123")


def test_an_invited_learner_reads_and_sends_their_results_in_arabic(new_page, live_server):
    learner = _invited_learner(new_page, live_server, "layla@example.org", "كلمة-سر-طويلة-42")
    choose_option(learner, "#language", "العربيّة")
    press_button(learner, "Change language")
    expect(learner.locator("html")).to_have_attribute("dir", "rtl")
    expect(learner.get_by_role("heading", level=1)).to_have_text("نتائجك")
    expect(learner.locator("#series-J26")).to_be_visible()
    check_page(learner)
    _send_results(learner, "أرسل نتائجي")
    expect(learner.locator(".messages")).to_contain_text("أُرسلت نتائجك.")


def test_a_learner_reads_their_page_in_arabic_right_to_left(page, live_server):
    from results.learners.demo import seed_learners

    seed_learners()
    signed_in_as(page, live_server.url, "learner1")
    expect(page).to_have_url(re.compile(r"/learner/$"))
    choose_option(page, "#language", "العربيّة")
    press_button(page, "Change language")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.get_by_role("heading", level=1)).to_have_text("نتائجك")
    check_page(page)
    # The choice is remembered from page to page.
    visit(page, "/accounts/password/change/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
