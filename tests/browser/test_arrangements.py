"""Access arrangements, special consideration and appeals in a real browser: an exams
officer applies by keyboard and follows the cases, staff decide on the case pages. Every
page reached passes ``check_page`` (axe-core, nothing off the right edge at 360 and 1280 px).
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from entries.arrangements.demo import seed_arrangements
from entries.arrangements.models import AccessArrangement, Appeal, SpecialConsideration
from entries.demo import seed_entries
from entries.models import Series
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
from tests.uploads.samples import PDF

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture(autouse=True)
def _applications(demo):
    seed_entries()
    seed_arrangements()


def heading(page):
    return page.get_by_role("heading", level=1)


def test_officer_applies_for_an_arrangement_by_keyboard(page, live_server):
    signed_in_as(page, live_server.url, "officer1")
    visit(page, "/arrangements/")
    expect(heading(page)).to_have_text("Access arrangements and special consideration")
    tab_to(page, "a", text="Apply for access arrangements")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page)

    press_button(page, "Apply")
    expect(page).to_have_title(re.compile(r"^Error: Apply for access arrangements"))
    expect(page.locator("[data-error-summary]")).to_be_focused()
    check_page(page)

    # A series whose applications are still open, with the demo's candidate 0003 in it.
    open_series = (
        Series.objects.filter(
            access_arrangements_deadline__gte=timezone.localdate(),
            candidates__centre__number="GB001",
            candidates__candidate_number="0003",
        )
        .order_by("access_arrangements_deadline")
        .first()
    )
    choose_option(page, "#id_series", open_series.name)
    type_into(page, "#id_candidate_number", "0003")
    choose_radio(page, "arrangement", "reader")
    type_into(page, "#id_reason", "Reads slowly; a reader in every lesson.")
    press_button(page, "Apply")

    case = AccessArrangement.objects.get(candidate__candidate_number="0003", arrangement="reader")
    expect(heading(page)).to_have_text(f"{case.reference}: A reader")
    expect(page.locator("dl.summary")).to_contain_text("Received")
    check_page(page)


def test_officer_follows_considerations_and_appeals(page, live_server):
    signed_in_as(page, live_server.url, "officer1")
    visit(page, "/arrangements/special-consideration/new/")
    visit(page, "/arrangements/?show=all")
    granted = SpecialConsideration.objects.filter(
        status="granted", centre__number="GB001", appeals__isnull=True
    ).first()
    visit(page, granted.get_absolute_url())
    expect(
        page.get_by_role("heading", name=re.compile("Appeal against this outcome"))
    ).to_be_visible()
    type_into(page, "#id_appeal-grounds", "The adjustment does not reflect the weeks lost.")
    press_button(page, "Appeal")
    expect(page.locator(".messages")).to_contain_text("stage 1")
    check_page(page)
    appeal = Appeal.objects.filter(special_consideration=granted).get()
    visit(page, appeal.get_absolute_url())
    expect(heading(page)).to_have_text(f"{appeal.reference}: stage 1 appeal")


def test_staff_decide_and_are_kept_from_appeals_they_were_part_of(page, live_server):
    signed_in_as(page, live_server.url, "staff")

    waiting = AccessArrangement.objects.filter(status="received").first()
    visit(page, waiting.get_absolute_url())
    press_button(page, "Acknowledge")
    expect(page.locator("dl.summary")).to_contain_text("Acknowledged")
    check_page(page)
    type_into(page, "#id_approve-note", "Approved for all written papers.")
    press_button(page, "Approve")
    expect(page.locator("dl.summary")).to_contain_text("Approved")
    check_page(page)

    # The demo's staff member declined the appealed arrangement: another must decide.
    appeal = Appeal.objects.filter(access_arrangement__isnull=False, status="received").first()
    visit(page, appeal.get_absolute_url())
    expect(page.locator(".staff-actions")).to_contain_text("another member of staff")
    visit(page, "/arrangements/")


def test_officer_attaches_the_assessors_report_by_keyboard(page, live_server, tmp_path):
    report = tmp_path / "assessor report.pdf"
    report.write_bytes(PDF)
    signed_in_as(page, live_server.url, "officer1")
    visit(page, "/arrangements/access/new/")
    open_series = (
        Series.objects.filter(
            access_arrangements_deadline__gte=timezone.localdate(),
            candidates__centre__number="GB001",
            candidates__candidate_number="0003",
        )
        .order_by("access_arrangements_deadline")
        .first()
    )
    choose_option(page, "#id_series", open_series.name)
    type_into(page, "#id_candidate_number", "0003")
    choose_radio(page, "arrangement", "practical_assistant")
    type_into(page, "#id_reason", "Cannot hold apparatus: see the assessor's report.")
    tab_to(page, "#id_evidence")
    page.set_input_files("#id_evidence", str(report))
    check_page(page)
    press_button(page, "Apply")

    expect(heading(page)).to_contain_text("A practical assistant")
    case = AccessArrangement.objects.get(
        candidate__candidate_number="0003", arrangement="practical_assistant", series=open_series
    )
    evidence = page.locator(f"[data-scan-for='{case.files.get().public_id}']")
    expect(evidence).to_contain_text("assessor report.pdf")
    expect(evidence.get_by_role("link", name="assessor report.pdf")).to_be_visible()
    check_page(page)
