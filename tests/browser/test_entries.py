"""The entries journeys in a real browser: an officer reads their series, adds a candidate
and an entry by keyboard (a refused form first; the entry's option picked from its
syllabus's options), uploads a file and reads its outcome, withdraws an entry, submits,
comments on the provisional timetable, and finds their question paper despatches from the
menu and from the home page's next deadlines. Every page is checked at 360 and 1280 px with
axe-core."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from entries import services
from entries.demo import seed_entries
from entries.models import Candidate, Entry, EntryImport, PaperDespatch, Series
from portal.accounts.models import User
from tests.browser.pages import (
    check_page,
    choose_option,
    press_button,
    signed_in_as,
    tab_to,
    type_into,
    visit,
)

pytestmark = pytest.mark.usefixtures("demo")


def _open_series() -> Series:
    seed_entries()
    return next(
        s
        for s in Series.objects.order_by("entry_deadline")
        if services.entry_terms(s).state == "open"
    )


def test_officer_adds_a_candidate_and_an_entry_by_keyboard(page, live_server):
    series = _open_series()
    signed_in_as(page, live_server.url, "officer1")
    visit(page, "/entries/")
    tab_to(page, "a", text=series.name)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Entries for {series.name}")
    expect(page.get_by_text("PK002")).to_have_count(0)

    tab_to(page, "a", text="Add a candidate")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page)
    type_into(page, "#id_uci", "GB0010260099A")
    press_button(page, "Add the candidate")
    expect(page).to_have_title(re.compile(r"^Error: Add a candidate"))
    expect(page.locator("[data-error-summary]")).to_be_focused()
    check_page(page)
    type_into(page, "#id_surname", "Evans")
    type_into(page, "#id_forenames", "Huw")
    type_into(page, "#id_date_of_birth", "2010-04-01")
    page.fill("#id_uci", "")
    press_button(page, "Add the candidate")
    check_page(page)
    huw = Candidate.objects.get(series=series, surname="Evans")
    assert huw.centre.number == "GB001"

    visit(page, f"/entries/{series.code}/new/")
    type_into(page, "#id_candidate_number", huw.candidate_number)
    choose_option(page, "#id_syllabus_code", "0620 Chemistry")
    # Once the syllabus is chosen, the option offers only that syllabus's options.
    expect(page.locator("#id_option_code optgroup:not([disabled])")).to_have_attribute(
        "label", "0620 Chemistry"
    )
    choose_option(page, "#id_option_code", "0620 option 42 (Extended)")
    press_button(page, "Make the entry")
    check_page(page)
    entry = Entry.objects.get(candidate=huw)
    assert (entry.syllabus.code, entry.option_code, entry.status) == ("0620", "42", "provisional")

    visit(page, f"/entries/entry/{entry.pk}/")
    press_button(page, "Withdraw the entry")
    check_page(page)
    press_button(page, "Yes, withdraw the entry")
    check_page(page)
    expect(page.get_by_role("listitem").filter(has_text="Withdrawn by")).to_have_count(1)

    visit(page, f"/entries/{series.code}/candidates/")
    visit(page, f"/entries/{series.code}/timetable/")


def test_officer_uploads_a_file_and_reads_every_bad_line(page, live_server):
    series = _open_series()
    officer = User.objects.get(username="officer1")
    upload = SimpleUploadedFile(
        "entries.csv",
        b"candidate_number,surname,forenames,date_of_birth,syllabus_code,option_code\n"
        b"0010,Fox,Ann,2010-01-01,0580,42\n0011,Gill,Ben,2010-13-01,0580,77\n",
    )
    job = services.queue_entry_import(
        centre=officer.memberships.get().centre, series=series, upload=upload, by=officer
    )
    # The worker's task ran when the upload committed (tasks run at once in the tests).
    assert EntryImport.objects.get(pk=job.pk).status == "refused"
    signed_in_as(page, live_server.url, "officer1")

    visit(page, f"/entries/{series.code}/upload/")
    visit(page, job.get_absolute_url())
    expect(page.get_by_role("status")).to_contain_text("Nothing was saved")
    expect(page.get_by_role("row").filter(has_text="2010-13-01")).to_contain_text("3")


def test_officer_submits_and_comments_on_the_provisional_timetable(page, live_server):
    series = _open_series()
    june = Series.objects.filter(code__startswith="J").order_by("-entry_deadline").first()
    services.publish_provisional_timetable(june, by=User.objects.get(username="staff"))
    officer = User.objects.get(username="officer1")
    candidate = Candidate.objects.filter(series=series, centre__number="GB001").first()
    services.make_entry(candidate, syllabus_code="0620", option_code="42", by=officer)
    signed_in_as(page, live_server.url, "officer1")

    visit(page, f"/entries/{series.code}/submit/")
    press_button(page, "Submit 1 entry")
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Entries submission ENT-")

    visit(page, f"/entries/{june.code}/timetable/")
    type_into(page, "#id_body", "0580 paper 4 falls on our school's holiday.")
    press_button(page, "Send the comment")
    check_page(page)
    assert june.comments.get().centre.number == "GB001"


def test_officer_walks_to_the_question_paper_despatches(page, live_server):
    series = _open_series()
    # The demo confirmed GB001's entries of the open series: its papers are due for despatch.
    despatches = PaperDespatch.objects.filter(series=series, centre__number="GB001")
    assert despatches.exists()
    theirs = PaperDespatch.objects.filter(series=series).exclude(centre__number="GB001")
    signed_in_as(page, live_server.url, "officer1")
    check_page(page)

    # From the officer's menu: their entries, the series, then its despatches.
    tab_to(page, "a", text="Entries")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "a", text=series.name)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "a", text="Question paper despatches")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Question paper despatches for {series.name}"
    )
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(despatches.count())
    for despatch in theirs:
        expect(page.get_by_text(despatch.reference)).to_have_count(0)

    # From the next deadline on the home page: the despatch's own row.
    visit(page, "/")
    tab_to(page, "a[href*='/despatches/#']")
    reference = page.evaluate("() => document.activeElement.innerText.trim()")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page)
    expect(page.locator(f"tr[id='{reference}']")).to_contain_text("Due for despatch")
