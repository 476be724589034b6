"""The complaints journeys in a real browser, as officers, staff and learners take them.

Every page reached is checked with ``check_page`` (axe-core, and nothing off the right edge
at 360 and 1280 px). Signing in and raising a complaint are done by keyboard alone.
"""

import re
from base64 import b32encode

import pytest
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from complaints import services
from complaints.models import Complaint, Submitter
from portal.accounts import roles
from portal.centres.models import Centre
from portal.core.demo import DEMO_PASSWORD
from tests.browser.pages import (
    check_page,
    choose_radio,
    code_from_key,
    focused,
    press_button,
    sign_in_by_keyboard,
    signed_in_as,
    tab_to,
    type_into,
    visit,
)
from tests.factories import StaffFactory

pytestmark = pytest.mark.usefixtures("demo")


def heading(page):
    return page.get_by_role("heading", level=1)


def follow_link(page, name: str) -> None:
    """Tab to the link named ``name``, press Enter, and check the page it leads to."""
    tab_to(page, "a", text=name)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page)


def test_officer_raises_a_complaint_by_keyboard(page, live_server):
    sign_in_by_keyboard(page, live_server.url, "officer1", DEMO_PASSWORD)
    expect(heading(page)).to_have_text("Your centres")
    check_page(page)
    follow_link(page, "Raise a complaint or a concern")

    press_button(page, "Send")

    expect(page).to_have_title(re.compile(r"^Error: Raise a complaint"))
    # The form was reached through the skip link, so the answer came to its address with
    # #main, which would have moved the focus to main once the page was read: the summary
    # keeps it (and the address loses the fragment).
    expect(page.locator("[data-error-summary]")).to_be_focused()
    assert "#" not in page.url
    check_page(page)
    # The summary's first link leads to the first question that needs an answer.
    tab_to(page, "[data-error-summary] a")
    target = page.evaluate("() => document.activeElement.getAttribute('href').slice(1)")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == target

    # Where each choice leads is read with the choice, not only seen under it.
    expect(page.get_by_label("Results or grading")).to_have_accessible_description(
        re.compile(r"^Concerns about results are considered only as an enquiry about results")
    )
    choose_radio(page, "category", "service")
    type_into(page, "#id_subject", "Certificates sent to a closed campus")
    type_into(page, "#id_description", "The June certificates went to our old building.")
    press_button(page, "Send")

    complaint = Complaint.objects.get(subject="Certificates sent to a closed campus")
    expect(heading(page)).to_have_text(f"{complaint.reference}: {complaint.subject}")
    assert complaint.centre.number == "GB001"
    assert complaint.status == Complaint.Status.RECEIVED
    check_page(page)


def test_officer_follows_complaints_on_the_list_and_case_page(page, live_server):
    signed_in_as(page, live_server.url, "officer1")
    own = Complaint.objects.filter(centre__number="GB001").open().first()

    follow_link(page, "All complaints")

    row = page.get_by_role("row").filter(has_text=own.reference)
    expect(row).to_contain_text(own.get_status_display())
    expect(page.get_by_text("PK002")).to_have_count(0)
    follow_link(page, "Show all, including closed and redirected")
    follow_link(page, own.reference)
    expect(heading(page)).to_contain_text(own.reference)

    # Their notices, what comes by email, and the tokens of their school's systems.
    visit(page, "/notifications/")
    visit(page, "/notifications/preferences/")
    visit(page, "/accounts/api-tokens/")


def _raised_by_officer() -> Complaint:
    from portal.accounts.models import User

    return services.submit_complaint(
        data={
            "category": "service",
            "subject": "Late moderation feedback",
            "description": "Feedback on our coursework sample has not arrived.",
        },
        centre=Centre.objects.get(number="GB001"),
        submitted_by=User.objects.get(username="officer1"),
        submitter_type=Submitter.CENTRE,
        files=[],
        formal=True,
    )


def _director_with_authenticator():
    director = StaffFactory(username="director")
    director.set_password(DEMO_PASSWORD)
    director.save()
    director.groups.set([Group.objects.get(name=roles.DIRECTOR)])
    device = TOTPDevice.objects.create(user=director, name="phone", confirmed=True)
    return director, device


def test_complaint_is_answered_escalated_and_decided(new_page, live_server):
    complaint = _raised_by_officer()
    case = complaint.get_absolute_url()

    # New staff enrol an authenticator on first sign-in, then acknowledge and answer.
    StaffFactory(
        username="newcomer",
        email="newcomer@exams-portal.example",
        password=DEMO_PASSWORD,
        roles=[roles.CUSTOMER_SERVICES],
    )
    staff = new_page()
    sign_in_by_keyboard(staff, live_server.url, "newcomer", DEMO_PASSWORD)
    # The page first says what two-factor sign-in is; nothing is made until they ask.
    expect(heading(staff)).to_have_text("Two-factor sign-in")
    check_page(staff)
    press_button(staff, "Set up two-factor sign-in")
    expect(heading(staff)).to_have_text("Set up two-factor sign-in")
    check_page(staff)
    key = staff.locator(".secret").inner_text()
    type_into(staff, "#id_otp_token", code_from_key(key))
    press_button(staff, "Turn on two-factor sign-in")
    expect(heading(staff)).to_have_text("Staff home")
    expect(staff.locator("main")).not_to_contain_text("your centres")
    check_page(staff)
    visit(staff, "/complaints/")
    expect(staff.get_by_role("table")).to_contain_text(complaint.reference)
    expect(staff.locator("caption")).to_have_text("Complaints of every centre")
    visit(staff, case)
    staff.get_by_role("button", name="Acknowledge").click()
    expect(staff.locator("dl.summary")).to_contain_text("Acknowledged")
    check_page(staff)
    staff.locator("#id_respond-response").fill(
        "We have sent the feedback again and fixed the address."
    )
    staff.get_by_role("button", name="Send the response").click()
    expect(staff.locator("dl.summary")).to_contain_text("Answered")
    check_page(staff)
    visit(staff, "/admin/service-levels/")
    visit(staff, "/complaints/report/")

    # The officer is not satisfied and asks for a Director's review.
    officer = new_page()
    signed_in_as(officer, live_server.url, "officer1")
    visit(officer, case)
    expect(officer.get_by_text("Our response")).to_be_visible()
    officer.locator("#id_escalate-reasons").fill("The investigation did not look at the courier.")
    officer.get_by_role("button", name="Ask for a Director's review").click()
    expect(officer.locator("dl.summary")).to_contain_text("Escalated")
    check_page(officer)

    # A Director signs in with the code their authenticator app shows, and decides.
    _, device = _director_with_authenticator()
    director = new_page()
    sign_in_by_keyboard(director, live_server.url, "director", DEMO_PASSWORD)
    expect(heading(director)).to_have_text("Enter your two-factor code")
    check_page(director)
    # The key the app was given when the Director enrolled it.
    type_into(director, "#id_otp_token", code_from_key(b32encode(device.bin_key).decode()))
    press_button(director, "Continue")
    check_page(director)
    visit(director, case)
    director.locator("#id_decide-decision").fill(
        "The investigation was thorough; the answer stands."
    )
    director.get_by_role("button", name="Send the final decision").click()
    expect(director.locator("dl.summary")).to_contain_text("Closed")
    check_page(director)

    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED


def test_learner_complains_through_the_public_form(page, live_server):
    visit(page, "/")
    follow_link(page, "Make a complaint as a learner or parent")
    expect(heading(page)).to_have_text("Complaints from learners and parents")

    press_button(page, "Send")

    expect(page).to_have_title(re.compile(r"^Error: Complaints from learners and parents"))
    expect(page.locator("[data-error-summary]")).to_be_focused()
    check_page(page)

    expect(
        page.get_by_label("A school, college or learning provider")
    ).to_have_accessible_description(
        re.compile(r"^We are not involved in the day-to-day running of schools")
    )
    page.get_by_label("A learner").check()
    page.get_by_label("Your name").fill("Ada Learner")
    page.get_by_label("Your email address").fill("ada@example.org")
    page.get_by_label("A service the awarding body provides").check()
    page.get_by_label("The service we gave you directly").select_option(index=1)
    page.get_by_label("Subject").fill("My certifying statement has not arrived")
    page.get_by_label("A clear description of your concerns").fill("I asked in September.")
    page.get_by_role("button", name="Send").click()

    expect(heading(page)).to_have_text("We have received your complaint")
    expect(page.get_by_role("heading", name="What happens next")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("dissatisfaction")
    check_page(page)


def test_learner_sent_to_their_school_is_told_where_to_go(page, live_server):
    visit(page, "/complaints/public/")
    page.get_by_label("A parent or carer").check()
    page.get_by_label("Your name").fill("Pat Parent")
    page.get_by_label("Your email address").fill("pat@example.org")
    page.get_by_label("A school, college or learning provider").check()
    page.get_by_label("Subject").fill("Exam room too cold")
    page.get_by_label("A clear description of your concerns").fill("The heating was off.")
    page.get_by_role("button", name="Send").click()

    expect(heading(page)).to_have_text("We have received your message")
    expect(page.locator("main")).to_contain_text("The school's own complaints procedure")
    expect(page.locator("main")).not_to_contain_text("dissatisfaction")
    check_page(page)


def test_public_pages_pass_the_checks(page):
    for path in ("/accounts/login/", "/accounts/password/reset/", "/service-standards/"):
        visit(page, path)
