"""Publications and the newsletter in a real browser, by keyboard at 360 and 1280 px: an exams
officer orders from the catalogue (a refused order first) and finds the order with its
deadline; then, from the newsletter's own link and without signing in, stops it."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from centres.mailings import services as mailings
from centres.mailings.models import Kind, Mailing
from centres.publications.demo import seed_publications
from centres.publications.models import PublicationOrder
from portal.notifications.models import Email
from portal.notifications.services import emailed_kinds
from tests.browser.pages import (
    check_page,
    choose_option,
    press_button,
    signed_in_as,
    tab_to,
    visit,
)

pytestmark = pytest.mark.usefixtures("demo")


def test_officer_orders_a_publication_by_keyboard(page, live_server):
    seed_publications()
    signed_in_as(page, live_server.url, "officer1")
    tab_to(page, "a", text="Publications")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Publications")

    tab_to(page, "a.button", text="Order a publication")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page)
    press_button(page, "Place the order")
    expect(page).to_have_title(re.compile(r"^Error: Order a publication"))
    expect(page.locator(".error-summary")).to_contain_text("Choose a publication.")
    check_page(page)

    choose_option(page, "#id_publication", "Cambridge Handbook 2027 (HB-2027, in stock)")
    tab_to(page, "#id_copies")
    page.keyboard.press("Control+A")
    page.keyboard.type("3")
    press_button(page, "Place the order")
    check_page(page)
    ordered = PublicationOrder.objects.filter(copies=3, publication__code="HB-2027").get()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{ordered.reference}: Cambridge Handbook 2027"
    )
    expect(page.get_by_text("Despatch publications in stock")).to_be_visible()

    visit(page, "/publications/")
    tab_to(page, "a", text=ordered.reference)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page)


def test_officer_stops_the_newsletter_from_its_link(new_page, live_server):
    officer = get_user_model().objects.get(username="officer1")
    issue = Mailing.objects.create(
        kind=Kind.NEWSLETTER,
        month=dt.date(2030, 1, 1),
        title="Exams newsletter, January 2030",
        body="News.",
        status=Mailing.Status.READY,
    )
    assert mailings.send_mailing(issue)
    email = Email.objects.get(kind="newsletter", user=officer)
    link = email.headers["List-Unsubscribe"].strip("<>")
    assert link in email.body

    page = new_page()  # not signed in: the link is enough
    page.goto(f"{live_server.url}{urlsplit(link).path}")
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Stop these emails")
    assert "newsletter" in emailed_kinds(officer)
    press_button(page, "Stop these emails")
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Emails stopped")
    assert "newsletter" not in emailed_kinds(officer)
