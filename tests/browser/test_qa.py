"""Quality assurance in a real browser: an exams officer submits grades and evidence by
keyboard; an assessment specialist samples a centre and accepts a request. Every page is
checked with ``check_page`` at 360 and 1280 px."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from entries.models import Syllabus
from portal.accounts.models import User
from portal.uploads import scanning
from portal.uploads.models import Attachment
from qa import services
from qa.models import Grade, QaRequest
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
from tests.qa.test_scanned_evidence import EICAR
from tests.uploads.clamd import start_clamd

pytestmark = pytest.mark.usefixtures("demo")


def heading(page):
    return page.get_by_role("heading", level=1)


def follow_link(page, name: str) -> None:
    tab_to(page, "a", text=name)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page)


def test_officer_submits_evidence_and_grades_by_keyboard(page, live_server):
    ready = QaRequest.objects.get(centre__number="GB001", syllabus__code="0580")
    signed_in_as(page, live_server.url, "officer1")

    follow_link(page, "Quality assurance")
    expect(page.get_by_text("PK002")).to_have_count(0)
    follow_link(page, ready.reference)
    expect(heading(page)).to_contain_text(ready.reference)
    expect(page.locator("#missing + ul")).to_contain_text("Grades given to each piece")
    press_button(page, "Submit the evidence for review")
    check_page(page)
    expect(page.locator("dl.summary").first).to_contain_text("Evidence submitted")
    ready.refresh_from_db()
    assert ready.status == QaRequest.Status.SUBMITTED

    # Grades of the syllabus not yet graded, chosen and sent by keyboard.
    visit(page, "/qa/grades/?series=N26&syllabus=0500")
    choose_option(page, "#id_grades-grade_0001", "B")
    press_button(page, "Submit these grades")
    check_page(page)
    english = Syllabus.objects.get(code="0500")
    assert (
        Grade.objects.get(
            centre__number="GB001", syllabus=english, candidate__candidate_number="0001"
        ).grade
        == "B"
    )
    expect(page.get_by_role("row").filter(has_text="0001")).to_contain_text("B (locked)")

    # Every page of theirs: the other requests, all of them, the CSV import.
    visit(page, "/qa/?show=all")
    for case in QaRequest.objects.filter(centre__number="GB001"):
        visit(page, case.get_absolute_url())
    visit(page, "/qa/grades/import/")
    tab_to(page, "#id_file")


def test_specialist_samples_a_centre_and_accepts_a_request(page, live_server):
    submitted = QaRequest.objects.get(status=QaRequest.Status.SUBMITTED)
    signed_in_as(page, live_server.url, "specialist")

    # The queue in the staff area (the admin's own layout), each row leading to its case.
    page.goto(f"{live_server.url}/admin/qa/qarequest/")
    expect(page.get_by_role("link", name=submitted.reference)).to_be_visible()
    visit(page, "/qa/sample/")
    choose_option(page, "#id_centre", "GB001 Riverside Academy")
    choose_option(page, "#id_series", "November 2026")
    choose_option(page, "#id_syllabus", "0500 First Language English")
    press_button(page, "Choose candidates")
    check_page(page)

    visit(page, submitted.get_absolute_url())
    for name in ("process_reasonable", "grades_reasonable", "grades_aligned"):
        choose_radio(page, f"accept-{name}", "yes")
    type_into(page, "#id_accept-feedback", "Well supported by the evidence.")
    press_button(page, "Accept")
    check_page(page)
    expect(page.locator("dl.summary").first).to_contain_text("Accepted")
    submitted.refresh_from_db()
    assert submitted.status == QaRequest.Status.ACCEPTED


def test_officer_sends_marks_in_parts_from_the_request_page(page, live_server, tmp_path):
    """The request page mounts the resumable uploader: the marks of a sampled candidate go
    up by keyboard, their SHA-256 is shown, and the page lists the file."""
    import hashlib

    from tests.uploads.samples import PDF

    ready = QaRequest.objects.get(centre__number="GB001", syllabus__code="0580")
    sampled = ready.sample.select_related("candidate").first().candidate
    content = PDF + b"marks " * 2000
    path = tmp_path / "marks.pdf"
    path.write_bytes(content)
    signed_in_as(page, live_server.url, "officer1")

    visit(page, ready.get_absolute_url())
    expect(page.locator("[data-upload-controls]")).to_be_visible()
    choose_option(page, "#resumable-kind", "Grades given to each piece of evidence")
    choose_option(
        page,
        "#resumable-candidate",
        f"{sampled.candidate_number} {sampled.forenames} {sampled.surname}",
    )
    tab_to(page, "#resumable-files")
    page.set_input_files("#resumable-files", str(path))

    row = page.locator(".upload-file", has_text="marks.pdf")
    expect(row.locator("[data-state]")).to_have_text("Uploaded", timeout=30_000)
    expect(row.locator("[data-fact='SHA-256']")).to_have_text(hashlib.sha256(content).hexdigest())
    check_page(page)
    marks = ready.files.labelled(kind="marks", candidate_number=sampled.candidate_number)
    assert marks.filter(name="marks.pdf").count() == 1

    visit(page, ready.get_absolute_url())
    expect(page.get_by_role("link", name="marks.pdf")).to_have_count(1)


@pytest.fixture
def clamd_url():
    url, stop = start_clamd()
    if url is None:
        pytest.skip(stop)
    yield url
    stop()


def test_officer_sees_the_malware_scan_arrive_without_a_reload(
    page, live_server, settings, clamd_url
):
    ready = QaRequest.objects.get(centre__number="GB001", syllabus__code="0580")
    officer = User.objects.get(username="officer1")
    eicar = SimpleUploadedFile("rationale.txt", EICAR, content_type="text/plain")
    (infected,) = services.add_evidence(ready, files=[eicar], kind="rationale", by=officer)
    # As it stands while the scan is queued.
    Attachment.objects.filter(pk=infected.pk).update(scan="pending")
    settings.CLAMD_URL = clamd_url
    # The page's own clock, moved on below to the page's next look instead of waiting for it.
    page.clock.install()
    signed_in_as(page, live_server.url, "officer1")
    visit(page, ready.get_absolute_url())
    row = page.locator(f"[data-scan-for='{infected.public_id}']")
    expect(row).to_contain_text("Waiting for the malware scan")

    assert scanning.scan_attachment(infected.pk) == "infected"

    page.clock.fast_forward(4_000)  # static/js/scan-state.js's EVERY_MS
    expect(row).to_contain_text("Malware found: quarantined", timeout=15_000)
    expect(row).to_contain_text("send a clean copy")
    expect(row.get_by_role("link")).to_have_count(0)
    check_page(page)
