"""Centre accounts and programme requests in a real browser, by keyboard: an officer invites
a colleague and changes the centre's details, the colleague joins through the link, the
officer asks to offer more programmes, and the registration team answers."""

import re

import pytest
from playwright.sync_api import expect

from centres import services as accounts
from centres.registration.programmes.models import ProgrammeRequest
from portal.accounts.models import User
from portal.centres.models import Centre, Membership
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


def heading(page):
    return page.get_by_role("heading", level=1)


def follow_link(page, name: str | None = None, *, href: str | None = None) -> None:
    tab_to(page, f"a[href='{href}']" if href else "a", text=name)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page)


def test_officer_invites_a_colleague_and_changes_the_details(page, live_server):
    signed_in_as(page, live_server.url, "officer1")
    follow_link(page, href="/centres/GB001/")
    expect(heading(page)).to_have_text("GB001 · Riverside Academy")
    expect(page.get_by_role("row").filter(has_text="head1")).to_contain_text("Head of centre")
    expect(page.get_by_text("PK002")).to_have_count(0)

    follow_link(page, "Invite a colleague")
    press_button(page, "Send the invitation")
    expect(page).to_have_title(re.compile(r"^Error: Invite a colleague"))
    expect(page.locator("[data-error-summary]")).to_be_focused()
    check_page(page)
    type_into(page, "#id_email", "exams.deputy@riverside.example")
    choose_radio(page, "role", "exams_officer")
    press_button(page, "Send the invitation")
    expect(page.get_by_role("row").filter(has_text="exams.deputy@riverside.example")).to_have_count(
        1
    )
    check_page(page)

    follow_link(page, href="/centres/GB001/details/")
    choose_option(page, "#id_timezone", "Europe/Luxembourg")
    press_button(page, "Save")
    expect(page.locator("dl.summary")).to_contain_text("Europe/Luxembourg")
    check_page(page)
    assert Centre.objects.get(number="GB001").timezone == "Europe/Luxembourg"

    visit(page, f"{live_server.url}/centres/GB001/users/head1/remove/")
    press_button(page, "Remove head1")
    expect(page.get_by_role("row").filter(has_text="head1")).to_have_count(0)
    check_page(page)


def test_new_colleague_creates_an_account_through_the_link(page, live_server):
    centre = Centre.objects.get(number="GB001")
    _, token = accounts.invite_colleague(
        centre,
        by=User.objects.get(username="officer1"),
        email="joiner@riverside.example",
        role=Membership.Role.EXAMS_OFFICER,
    )

    visit(page, f"{live_server.url}/invitations/{token}/")
    expect(heading(page)).to_have_text("Join GB001 Riverside Academy")
    type_into(page, "#id_first_name", "Jo")
    type_into(page, "#id_last_name", "Iner")
    type_into(page, "#id_username", "joiner")
    type_into(page, "#id_password", "a-long-joining-pass-7")
    type_into(page, "#id_password_again", "a-long-joining-pass-8")
    press_button(page, "Create my account and join")
    expect(page).to_have_title(re.compile(r"^Error: Join GB001"))
    check_page(page)
    type_into(page, "#id_password", "a-long-joining-pass-7")
    type_into(page, "#id_password_again", "a-long-joining-pass-7")
    press_button(page, "Create my account and join")

    expect(heading(page)).to_have_text("GB001 · Riverside Academy")
    check_page(page)
    assert User.objects.get(username="joiner").memberships.get().centre == centre

    # The link works once.
    visit(page, f"{live_server.url}/invitations/{token}/")
    expect(heading(page)).to_have_text("This invitation cannot be used")


def test_programme_request_is_asked_and_granted(new_page, live_server):
    officer = new_page()
    signed_in_as(officer, live_server.url, "officer1")
    follow_link(officer, "Programmes")
    follow_link(officer, "Ask to offer more programmes")
    tab_to(officer, "input[name=programmes][value=primary]")
    officer.keyboard.press("Space")
    type_into(officer, "#id_reason", "A primary section opens next year.")
    press_button(officer, "Send the request")
    case = ProgrammeRequest.objects.get(programmes=["primary"])
    expect(heading(officer)).to_contain_text(case.reference)
    check_page(officer)

    staff = new_page()
    signed_in_as(staff, live_server.url, "staff")
    # The queue is the admin's own page (checked for roles in tests/registration).
    staff.goto(f"{live_server.url}/admin/registration/programmerequest/")
    expect(staff.get_by_role("link", name=case.reference)).to_have_count(1)
    visit(staff, f"{live_server.url}{case.get_absolute_url()}")
    type_into(staff, "#id_grant-note", "Welcome to Cambridge Primary.")
    press_button(staff, "Grant: the centre offers them")
    expect(staff.locator("dl.summary")).to_contain_text("Granted")
    check_page(staff)

    visit(officer, f"{live_server.url}/centres/GB001/")
    expect(officer.locator("dl.summary")).to_contain_text("Cambridge Primary")
