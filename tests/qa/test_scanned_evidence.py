"""Evidence and the malware scan (a real clamd, the EICAR test signature): a file found
infected, or one the scanner could not read whole, is not evidence; the scan's state shows
beside every file, on the page and in the API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.outbox.models import QueuedTask
from portal.outbox.services import run_queued_task
from portal.uploads.models import Attachment, Scan
from qa import services
from qa.models import QaRequest
from tests.qa.conftest import send_everything
from tests.signing_in import sign_in
from tests.uploads.clamd import start_clamd

pytestmark = pytest.mark.django_db

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
URL = "/api/v1/qa/requests/"


@pytest.fixture(scope="module")
def clamd_url():
    url, stop = start_clamd()
    if url is None:
        pytest.skip(stop)
    yield url
    stop()


@pytest.fixture
def scanner(settings, clamd_url):
    settings.CLAMD_URL = clamd_url
    return clamd_url


def scan_queued() -> list[str]:
    return [run_queued_task(row.pk) for row in QueuedTask.objects.order_by("pk")]


def send_infected_rationale(request, officer):
    send_everything(request, officer, skip={"rationale"})
    eicar = SimpleUploadedFile("rationale.txt", EICAR, content_type="text/plain")
    services.add_evidence(request, files=[eicar], kind="rationale", by=officer)
    scan_queued()
    return Attachment.objects.for_case(request).labelled(kind="rationale").get()


def test_infected_rationale_stays_missing_and_submit_names_the_file(
    scanner, qa_request, officer_gb, officer_api
):
    infected = send_infected_rationale(qa_request, officer_gb)

    response = officer_api.post(f"{URL}{qa_request.reference}/submit/")

    assert infected.scan == Scan.INFECTED
    assert [m.kind for m in services.missing_items(qa_request) if m.blocking] == ["rationale"]
    assert response.status_code == 409
    assert "rationale.txt" in response.json()["detail"]
    qa_request.refresh_from_db()
    assert qa_request.status == QaRequest.Status.REQUESTED


def test_clean_files_submitted_once_scanned(scanner, qa_request, officer_gb, officer_api):
    send_everything(qa_request, officer_gb)
    waiting = officer_api.post(f"{URL}{qa_request.reference}/submit/")
    scan_queued()

    submitted = officer_api.post(f"{URL}{qa_request.reference}/submit/")

    assert waiting.status_code == 409
    assert "malware scan" in waiting.json()["detail"]
    assert submitted.status_code == 200, submitted.json()
    assert set(Attachment.objects.for_case(qa_request).values_list("scan", flat=True)) == {"clean"}


def test_file_the_scanner_could_not_read_is_not_evidence(qa_request, officer_gb):
    send_everything(qa_request, officer_gb)
    files = Attachment.objects.for_case(qa_request)
    files.labelled(kind="evidence", candidate_number="0001").update(
        scan=Scan.NOT_SCANNED, scan_detail="Not scanned whole.", scanned_at=timezone.now()
    )

    missing = [(m.kind, m.candidate_number) for m in services.missing_items(qa_request)]

    assert missing == [("evidence", "0001")]


def test_file_not_scanned_for_want_of_a_scanner_is_evidence(qa_request, officer_gb):
    send_everything(qa_request, officer_gb)

    assert services.missing_items(qa_request) == []
    assert set(Attachment.objects.for_case(qa_request).values_list("scan", flat=True)) == {
        "not_scanned"
    }


def test_api_request_shows_each_files_scan(scanner, qa_request, officer_gb, officer_api):
    send_infected_rationale(qa_request, officer_gb)

    files = officer_api.get(f"{URL}{qa_request.reference}/").json()["files"]

    scans = {f["name"]: (f["scan"], f["scan_detail"]) for f in files}
    assert scans["rationale.txt"] == ("infected", "Eicar-Test-Signature.UNOFFICIAL")
    assert scans["task.pdf"] == ("clean", "")


@pytest.mark.parametrize("who", ["officer_gb", "specialist"])
def test_detail_page_shows_each_files_scan(scanner, client, qa_request, officer_gb, who, request):
    send_infected_rationale(qa_request, officer_gb)
    infected = Attachment.objects.get(name="rationale.txt")
    sign_in(client, request.getfixturevalue(who))

    page = client.get(qa_request.get_absolute_url()).content.decode()

    row = page.split(f'data-scan-for="{infected.public_id}"')[1].split("</li>")[0]
    assert 'data-scan-state="infected"' in row
    assert "Malware found: quarantined" in row
    assert "send a clean copy" in row
    assert infected.get_absolute_url() not in page
    assert page.count('data-scan-state="clean"') == 5


def test_specialist_opening_a_quarantined_file_is_told_why(
    scanner, client, qa_request, officer_gb, specialist
):
    infected = send_infected_rationale(qa_request, officer_gb)
    sign_in(client, specialist)

    response = client.get(infected.get_absolute_url())

    assert response.status_code == 403
    assert "found to contain malware" in response.content.decode()
