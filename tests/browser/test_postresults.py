"""Post-results services in a real browser: an exams officer asks for a replacement
certificate by keyboard and follows the requests; a learner applies for a certifying
statement without an account; staff despatch from the case page. Every page is checked
with ``check_page`` at 360 and 1280 px."""

import pytest
from playwright.sync_api import expect

from results.postresults.demo import seed_service_requests
from results.postresults.models import ServiceRequest
from tests.browser.pages import (
    check_page,
    choose_option,
    choose_radio,
    press_button,
    signed_in_as,
    tab_to,
    type_into,
    visit,
)

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture(autouse=True)
def _requests(demo):
    seed_service_requests()


def follow_link(page, name: str) -> None:
    tab_to(page, "a", text=name)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page)


def test_officer_asks_for_a_replacement_certificate_by_keyboard(page, live_server):
    signed_in_as(page, live_server.url, "officer1")

    follow_link(page, "Post-results")
    expect(page.get_by_text("PK002")).to_have_count(0)
    follow_link(page, "Ask for a service")
    choose_radio(page, "service", "replacement_certificate")
    choose_option(page, "#id_series", "June 2026")
    type_into(page, "#id_candidate_number", "0099")
    press_button(page, "Send the request")
    check_page(page)
    expect(page.locator(".error-summary")).to_contain_text("GB001 has no candidate 0099")

    page.fill("#id_candidate_number", "")
    type_into(page, "#id_candidate_number", "0003")
    type_into(page, "#id_details", "The certificate was lost in a flood.")
    press_button(page, "Send the request")
    check_page(page)
    case = ServiceRequest.objects.get(candidate_number="0003", service="replacement_certificate")
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)

    press_button(page, "Withdraw the request")
    check_page(page)
    expect(page.locator("dl.summary")).to_contain_text("Withdrawn")

    visit(page, "/post-results/?show=all")
    for mine in ServiceRequest.objects.filter(centre__number="GB001"):
        visit(page, mine.get_absolute_url())


def test_learner_applies_for_a_certifying_statement_without_an_account(page, live_server):
    visit(page, "/post-results/certifying-statement/")
    type_into(page, "#id_name", "Sam Learner")
    type_into(page, "#id_date_of_birth", "14052008")
    type_into(page, "#id_email", "sam@example.org")
    choose_option(page, "#id_series", "June 2026")
    type_into(page, "#id_centre_number", "GB001")
    type_into(page, "#id_candidate_number", "0002")
    type_into(page, "#id_delivery_address", "1 High Street, Cambridge")
    press_button(page, "Send the application")
    check_page(page)

    case = ServiceRequest.objects.get(contact_email="sam@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("We have received your application")
    expect(page.get_by_text(case.reference)).to_be_visible()


def test_staff_despatch_from_the_case_page(page, live_server):
    signed_in_as(page, live_server.url, "staff")

    waiting = ServiceRequest.objects.get(service="certifying_statement")
    page.goto(f"{live_server.url}/admin/postresults/servicerequest/")
    expect(page.get_by_role("link", name=waiting.reference)).to_be_visible()
    visit(page, "/post-results/")
    visit(page, waiting.get_absolute_url())
    type_into(page, "#id_despatch-note", "Sent by tracked post.")
    press_button(page, "Despatched: tell them")
    check_page(page)
    expect(page.locator("dl.summary")).to_contain_text("Despatched")
