"""Certificate despatches in a real browser: an exams officer follows their centre's
certificates by keyboard; staff hold and record the despatch from the case page. Every
page is checked with ``check_page`` at 360 and 1280 px."""

import pytest
from playwright.sync_api import expect

from results.demo import seed_results
from results.postresults.demo import seed_certificate_despatches
from results.postresults.models import CertificateDespatch
from tests.browser.pages import (
    check_page,
    press_button,
    signed_in_as,
    tab_to,
    type_into,
    visit,
)

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture(autouse=True)
def _certificates(demo):
    seed_results()
    seed_certificate_despatches()


def follow_link(page, name: str) -> None:
    tab_to(page, "a", text=name)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page)


def test_officer_follows_the_centres_certificates_by_keyboard(page, live_server):
    signed_in_as(page, live_server.url, "officer1")

    follow_link(page, "Post-results")
    follow_link(page, "Certificates")
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificates")
    expect(page.get_by_text("PK002")).to_have_count(0)
    case = CertificateDespatch.objects.get(centre__number="GB001")
    follow_link(page, case.reference)

    summary = page.locator("dl.summary")
    expect(summary).to_contain_text("Despatched")
    expect(summary).to_contain_text("JD014600003271")
    expect(page.get_by_text("not certificated until they are issued")).to_be_visible()
    expect(page.get_by_role("button", name="Despatched: tell the centre")).to_have_count(0)


def test_staff_hold_then_record_the_despatch_from_the_case_page(page, live_server):
    signed_in_as(page, live_server.url, "staff")

    due = CertificateDespatch.objects.get(centre__number="PK002")
    page.goto(f"{live_server.url}/admin/postresults/certificatedespatch/")
    expect(page.get_by_role("link", name=due.reference)).to_be_visible()
    visit(page, due.get_absolute_url())

    type_into(page, "#id_hold-reason", "Please confirm your delivery address.")
    press_button(page, "Hold and tell the centre")
    check_page(page)
    expect(page.locator("dl.summary")).to_contain_text("On hold")

    type_into(page, "#id_despatch-courier", "DHL Express")
    type_into(page, "#id_despatch-tracking_reference", "JD0146")
    press_button(page, "Despatched: tell the centre")
    check_page(page)
    expect(page.locator("dl.summary")).to_contain_text("Despatched")
    expect(page.locator("dl.summary")).to_contain_text("JD0146")
