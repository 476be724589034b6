"""The browser client of resumable uploads (static/js/resumable-uploads.js, Uppy's AwsS3
plugin) on the embedded default's local storage, mounted on the test-only case page of
``tests.uploads.urls`` as a case type's page mounts ``templates/uploads/_resumable.html``.

Uppy never cuts parts under 5 MiB (S3's floor), so the files here are a little over two
parts of the portal's default 5 MiB: three parts, the last one short.
"""

import base64
import hashlib
import json
import os
import time
from collections import Counter

import pytest
from playwright.sync_api import expect

from complaints import services
from portal.uploads.models import Attachment, Upload, UploadPart
from tests.browser.pages import check_page, choose_option, signed_in_as, tab_to
from tests.complaints.conftest import SERVICE
from tests.factories import PASSWORD
from tests.uploads.samples import PDF

pytestmark = pytest.mark.usefixtures("uploads_urls")

PART = 5 * 1024 * 1024


@pytest.fixture
def case(charter, centre_gb, officer_gb):
    return services.submit_complaint(data=dict(SERVICE), centre=centre_gb, submitted_by=officer_gb)


@pytest.fixture
def work(tmp_path):
    """A PDF of three parts; random bytes after its header, so that its SHA-256 is honest."""
    content = PDF + os.urandom(2 * PART + 123_457 - len(PDF))
    path = tmp_path / "coursework.pdf"
    path.write_bytes(content)
    return path, hashlib.sha256(content).hexdigest()


def _files_page(page, live_server, officer, case):
    signed_in_as(page, live_server.url, officer.username)
    page.goto(f"{live_server.url}/test-cases/{case.reference}/files/")
    expect(page.locator("[data-upload-controls]")).to_be_visible()
    expect(page.locator("[data-upload-fallback]")).to_be_hidden()


def _choose(page, path):
    """What the file is and whose, by keyboard; then the file (the system's file chooser
    cannot be driven, but the input must be reachable with Tab)."""
    choose_option(page, "#resumable-kind", "Candidate's work")
    choose_option(page, "#resumable-candidate", "0001 Ada Lovelace")
    tab_to(page, "#resumable-files")
    page.set_input_files("#resumable-files", str(path))


def _part_number(url: str) -> int:
    """The part a local part URL was signed for (its token's payload, unsigned JSON)."""
    payload = url.split("/files/parts/")[1].split(":")[0]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["n"]


def _wait_for(page, condition, what: str, seconds: float = 20):
    """Wait for ``condition``, letting Playwright run the page's route handlers meanwhile."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"waited {seconds} s for {what}")


def test_resumable_upload_resumes_after_a_reload_and_shows_the_sha256(
    page, live_server, officer_gb, case, work
):
    path, sha256 = work
    _files_page(page, live_server, officer_gb, case)
    check_page(page)

    # The first part goes through; the others hang, as on a connection that died.
    held = []
    connection = {"dead": False}

    def first_part_only(route):
        if connection["dead"]:
            route.abort()
        elif not held:
            held.append(None)
            route.continue_()
        else:
            held.append(route)

    page.route("**/files/parts/**", first_part_only)
    _choose(page, path)
    row = page.locator(".upload-file", has_text="coursework.pdf")
    _wait_for(page, lambda: UploadPart.objects.exists(), "the first part")
    expect(row.locator("[data-percent]")).not_to_have_text("0%")
    assert int(row.locator("progress").get_attribute("value")) > 0
    expect(row.get_by_role("button", name="Pause coursework.pdf")).to_be_visible()
    assert page.evaluate("() => Object.keys(localStorage).length") == 1
    check_page(page)

    # The tab reloads: the same file chosen again carries on from the part that arrived.
    # The held parts die with the old tab (as its connection did), and any retry it makes
    # before it goes dies too, so the old tab cannot finish the file behind the new one.
    # (Unrouting with parts held would let them through.)
    connection["dead"] = True
    for route in held[1:]:
        route.abort()
    page.reload()
    page.unroute("**/files/parts/**")
    _choose(page, path)
    row = page.locator(".upload-file", has_text="coursework.pdf")
    expect(row.locator("[data-state]")).to_have_text("Uploaded", timeout=30_000)
    expect(row.locator("[data-fact='SHA-256']")).to_have_text(sha256)
    expect(row.locator("[data-fact='Malware scan']")).to_contain_text("Not scanned for malware")
    expect(row.locator("progress")).to_have_attribute("value", "100")
    check_page(page)

    # One upload, resumed: the page did not start the file again.
    upload = Upload.objects.get()
    assert upload.status == Upload.Status.COMPLETE
    assert upload.attachment.sha256 == sha256
    assert upload.attachment.labels == {"kind": "evidence", "candidate_number": "0001"}
    assert page.evaluate("() => Object.keys(localStorage).length") == 0

    # The same file again: sent as a new file, and said to be already uploaded.
    _choose(page, path)
    rows = page.locator(".upload-file", has_text="coursework.pdf")
    expect(rows).to_have_count(2)
    expect(rows.nth(1).locator("[data-state]")).to_have_text(
        "Uploaded: already uploaded before", timeout=30_000
    )
    expect(rows.nth(1).locator("[data-fact='Already uploaded']")).to_contain_text("coursework.pdf")
    assert Attachment.objects.count() == 2


def test_resumable_upload_pauses_and_resumes(page, live_server, officer_gb, case, work):
    path, sha256 = work
    _files_page(page, live_server, officer_gb, case)
    held = []
    page.route("**/files/parts/**", lambda route: held.append(route))
    _choose(page, path)
    row = page.locator(".upload-file", has_text="coursework.pdf")
    pause = row.locator("button[data-action=pause]")
    _wait_for(page, lambda: held, "a part on its way")
    tab_to(page, "button[data-action=pause]")
    page.keyboard.press("Enter")
    expect(row.locator("[data-state]")).to_have_text("Paused: what was sent is kept.")
    expect(pause).to_have_accessible_name("Resume coursework.pdf")

    page.unroute("**/files/parts/**")
    page.keyboard.press("Enter")
    expect(row.locator("[data-state]")).to_have_text("Uploaded", timeout=30_000)
    expect(row.locator("[data-fact='SHA-256']")).to_have_text(sha256)


def test_resumable_upload_retries_failed_parts_then_offers_to_try_again(
    page, live_server, officer_gb, case, work
):
    path, sha256 = work
    # The page's own clock, moved on through the waits between the tries below.
    page.clock.install()
    _files_page(page, live_server, officer_gb, case)
    attempts = []

    def refuse(route):
        attempts.append(route.request.url)
        route.fulfill(status=503, body="")

    page.route("**/files/parts/**", refuse)
    _choose(page, path)
    row = page.locator(".upload-file", has_text="coursework.pdf")
    state = row.locator("[data-state]")

    def stopped() -> bool:
        if "Stopped: " in state.inner_text():
            return True
        page.clock.fast_forward(500)
        return False

    # Each part is tried again after 0, 1, 3 and 5 seconds before the file stops.
    _wait_for(page, stopped, "the file to stop")
    tries = Counter(_part_number(url) for url in attempts)
    assert max(tries.values()) == 5, tries
    check_page(page)

    page.unroute("**/files/parts/**")
    tab_to(page, "button[data-action=retry]")
    page.keyboard.press("Enter")
    expect(row.locator("[data-state]")).to_have_text("Uploaded", timeout=30_000)
    expect(row.locator("[data-fact='SHA-256']")).to_have_text(sha256)
    assert Upload.objects.get().status == Upload.Status.COMPLETE


def test_resumable_upload_refuses_a_type_before_sending(
    page, live_server, officer_gb, case, tmp_path
):
    script = tmp_path / "marks.js"
    script.write_bytes(b"alert(1)\n")
    _files_page(page, live_server, officer_gb, case)
    _choose(page, script)
    row = page.locator(".upload-file", has_text="marks.js")
    expect(row.locator("[data-state]")).to_contain_text("Not sent: ")
    expect(row.get_by_role("button", name="Cancel marks.js")).to_be_hidden()
    assert not Upload.objects.exists()
    check_page(page)


def test_resumable_upload_without_javascript_says_how_else(browser, live_server, officer_gb, case):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        page.fill("#id_username", officer_gb.username)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        page.goto(f"/test-cases/{case.reference}/files/")
        expect(page.locator("[data-upload-fallback]")).to_contain_text("needs JavaScript")
        expect(page.locator("[data-upload-controls]")).to_be_hidden()
    finally:
        context.close()


def test_resumable_upload_waits_for_the_connection_and_carries_on(
    page, live_server, officer_gb, case, work
):
    path, sha256 = work
    _files_page(page, live_server, officer_gb, case)
    held = []
    page.route("**/files/parts/**", lambda route: held.append(route))
    _choose(page, path)
    row = page.locator(".upload-file", has_text="coursework.pdf")
    _wait_for(page, lambda: held, "a part on its way")

    page.context.set_offline(True)
    for route in held:
        route.abort("internetdisconnected")
    page.unroute("**/files/parts/**")

    expect(row.locator("[data-state]")).to_have_text(
        "Waiting for the connection: sending carries on by itself when it is back. "
        "What was sent is kept.",
        timeout=20_000,
    )
    expect(page.locator("[data-upload-status]")).to_contain_text("waiting for the connection")
    assert not UploadPart.objects.exists()
    check_page(page)

    page.context.set_offline(False)
    expect(row.locator("[data-state]")).to_have_text("Uploaded", timeout=30_000)
    expect(row.locator("[data-fact='SHA-256']")).to_have_text(sha256)
    assert Upload.objects.get().status == Upload.Status.COMPLETE
