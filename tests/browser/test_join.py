"""A school's journey to become a centre, in a real browser: registering interest by
keyboard, confirming its email, completing the application in steps, submitting; staff
scheduling the visit and asking for improvements; the school resubmitting; approval."""

import re

import pytest
from playwright.sync_api import expect

from centres.registration.applications import CentreApplication
from portal.centres.models import Membership
from portal.core.demo import DEMO_PASSWORD
from portal.notifications.models import Email
from tests.browser.pages import (
    check_page,
    choose_radio,
    code_from_key,
    press_button,
    sign_in_by_keyboard,
    tab_to,
    type_into,
    visit,
)
from tests.centres.registration.applications import PDF, ensure_reference_data

pytestmark = pytest.mark.usefixtures("demo")
PASSWORD = "a-long-school-password-7"
STAFF_KEY = "DEMOSTAFFEXAMSPORTALKEY234567ABC"


def _staff_signs_in(page, base_url):
    sign_in_by_keyboard(page, base_url, "staff", DEMO_PASSWORD)
    type_into(page, "#id_otp_token", code_from_key(STAFF_KEY))
    press_button(page, "Continue")


def _answer_area(page):
    """Give a comment and a file for every standard of the area shown, then continue."""
    for comment in page.locator("textarea[name^=comment_]").all():
        comment.fill("We meet this standard; our policy is attached.")
    for evidence in page.locator("input[type=file]").all():
        evidence.set_input_files(
            files=[{"name": "policy.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()


def _follow_link_by_keyboard(page, text):
    tab_to(page, "a", text=text)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_school_finds_the_way_in_from_public_pages(page):
    # From the sign-in page, at both widths, by keyboard.
    visit(page, "/accounts/login/")
    _follow_link_by_keyboard(page, "Register your school's interest in becoming a centre")
    expect(page.get_by_role("heading", level=1)).to_have_text("Register your school's interest")
    check_page(page)

    # From the service standards page: its own paragraph, then the footer.
    visit(page, "/service-standards/")
    _follow_link_by_keyboard(page, "register your school's interest")
    expect(page).to_have_url(re.compile(r"/join/$"))
    visit(page, "/service-standards/")
    page.get_by_role("contentinfo").get_by_role("link", name="Become a centre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Register your school's interest")
    check_page(page)


def test_school_becomes_a_centre(new_page, live_server):
    ensure_reference_data()
    school = new_page()

    # Registering interest, by keyboard; a form sent empty says what is missing.
    visit(school, "/join/standards/")
    visit(school, "/join/")
    press_button(school, "Register interest")
    expect(school).to_have_title(re.compile(r"^Error: Register your school's interest"))
    check_page(school)
    type_into(school, "#id_school_name", "Mombasa Coast Academy")
    tab_to(school, "#id_country")
    school.keyboard.type("Kenya")
    type_into(school, "#id_contact_name", "Achieng Otieno")
    type_into(school, "#id_contact_email", "head@mombasa-coast.example")
    choose_radio(school, "teaches_online", "no")
    tab_to(school, "input[name=programmes][value=upper_secondary]")
    school.keyboard.press("Space")
    type_into(school, "#id_password", PASSWORD)
    type_into(school, "#id_password_again", PASSWORD)
    press_button(school, "Register interest")
    expect(school.get_by_role("heading", level=1)).to_have_text("Check your email")
    check_page(school)

    # The link in the email confirms the address; then the school signs in.
    link = re.search(r"/join/confirm/\S+", Email.objects.latest("pk").body).group(0)
    visit(school, link)
    press_button(school, "Confirm my email address")
    check_page(school)
    type_into(school, "#id_username", "head@mombasa-coast.example")
    type_into(school, "#id_password", PASSWORD)
    press_button(school, "Sign in")
    application = CentreApplication.objects.get(school_name="Mombasa Coast Academy")
    expect(school.get_by_role("table")).to_contain_text(application.reference)
    check_page(school)
    visit(school, application.get_absolute_url())

    # Step by step, with save and continue.
    with school.expect_navigation():
        school.get_by_role("link", name="About the school").click()
    check_page(school)
    school.locator("#id_address").fill("Nyali Road 4, Mombasa")
    school.locator("#id_principal_name").fill("Mr Juma Ali")
    school.locator("#id_student_count").fill("420")
    school.locator("#id_age_range").fill("11-18")
    with school.expect_navigation():
        school.get_by_role("button", name="Save and continue").click()
    for _ in range(4):
        expect(school).to_have_title(re.compile(application.reference))
        check_page(school)
        _answer_area(school)
    expect(school.get_by_role("heading", level=1)).to_contain_text(application.reference)
    expect(school.locator("#fee ~ p").first).to_contain_text("GBP 1,250.00")
    check_page(school)
    school.get_by_label(re.compile("I confirm")).check()
    school.get_by_role("button", name="Submit the application").click()
    expect(school.locator("dl.summary")).to_contain_text("Submitted")
    check_page(school)

    # The registration team schedules the visit, then asks for an improvement.
    staff = new_page()
    _staff_signs_in(staff, live_server.url)
    # The queue (Django's admin list, not one of the portal's pages) lists it.
    staff.goto("/admin/registration/centreapplication/")
    expect(staff.locator("#result_list")).to_contain_text(application.reference)
    visit(staff, application.get_absolute_url())
    staff.locator("#id_schedule-visit-date").fill("2099-01-01")
    staff.get_by_label("Remote (by video call)").check()
    staff.get_by_role("button", name="Schedule the visit and tell the school").click()
    expect(staff.locator(".error-summary")).to_be_visible()
    check_page(staff)
    from django.utils import timezone

    staff.locator("#id_schedule-visit-date").fill(
        timezone.localdate(timezone=application.zone).isoformat()
    )
    staff.get_by_role("button", name="Schedule the visit and tell the school").click()
    expect(staff.locator("dl.summary")).to_contain_text("Visit scheduled")
    check_page(staff)
    staff.locator("input[name=judge-judgement_MV1][value=improvement_needed]").check()
    staff.locator("#id_judge-improvement_MV1").fill("Publish the mission statement.")
    staff.get_by_role("button", name="Ask for improvements").click()
    expect(staff.locator("dl.summary")).to_contain_text("Improvements needed")
    check_page(staff)

    # The school sees what to do, revises and resubmits; both rounds are shown.
    visit(school, application.get_absolute_url())
    expect(school.locator("#round-1 ~ div table")).to_contain_text("Publish the mission statement.")
    # Each improvement next to its standard: in the checklist, then in the area's step.
    mission = school.locator("ol.task-list > li").filter(
        has=school.get_by_role("link", name="The school’s mission and educational values")
    )
    expect(mission).to_contain_text("1 improvement asked for")
    expect(mission.get_by_role("listitem")).to_have_text("MV1 Publish the mission statement.")
    school.get_by_role("link", name="The school’s mission and educational values").click()
    expect(school.locator("section[aria-labelledby=standard-MV1] .notice")).to_contain_text(
        "Publish the mission statement."
    )
    expect(school.locator("section[aria-labelledby=standard-MV2] .notice")).to_have_count(0)
    check_page(school)
    school.locator("#id_comment_MV1").fill("The mission statement is on our website now.")
    with school.expect_navigation():
        school.get_by_role("button", name="Save and come back later").click()
    school.get_by_label(re.compile("I confirm")).check()
    school.get_by_role("button", name="Resubmit the application").click()
    expect(school.locator("dl.summary")).to_contain_text("Resubmitted")
    expect(school.locator("#round-2")).to_be_visible()
    check_page(school)

    # Approved: a centre, with the applicant as its exams officer.
    visit(staff, application.get_absolute_url())
    staff.get_by_role("button", name="Approve: make the school a centre").click()
    expect(staff.locator("dl.summary")).to_contain_text("KE001")
    check_page(staff)
    membership = Membership.objects.get(centre__number="KE001")
    assert membership.user.email == "head@mombasa-coast.example"
    visit(school, "/")
    expect(school.locator("main")).to_contain_text("KE001")
