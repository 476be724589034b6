"""Zip archives (``.pages``, Office documents) that unpack to an absurd size are refused
before they are kept: the malware scanner would stop at its limits and could not vouch for
what it did not read."""

import pytest

from portal.uploads import checks
from portal.uploads.models import Attachment, Upload
from tests.uploads.resumable import PART_SIZE, upload_whole
from tests.uploads.samples import DOCX, nested, zeros_zipped, zip_bomb, zipped

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uploads_urls")]


def refusal(answer) -> str:
    return " ".join(
        message for messages in answer.json()["errors"].values() for message in messages
    )


@pytest.fixture(autouse=True)
def _small_parts(settings):
    settings.UPLOADS_MIN_PART_SIZE = PART_SIZE


def test_a_few_kilobytes_unpacking_to_100_gb_refused_and_nothing_kept(officer_api, complaint):
    bomb = zip_bomb(3)  # 10 x 10 x 10 archives of 100 MB of zeros

    answer = upload_whole(officer_api, complaint, bomb, filename="report.pages")

    assert len(bomb) < 64 * 1024
    assert answer.status_code in (413, 415), answer.json()
    assert "report.pages cannot be accepted" in refusal(answer)
    assert not Attachment.objects.exists()
    assert Upload.objects.get().status == Upload.Status.ABORTED


def test_one_archive_unpacking_a_thousand_times_its_size_refused(officer_api, complaint):
    answer = upload_whole(
        officer_api, complaint, zeros_zipped(100 * 1024 * 1024), filename="a.pages"
    )

    assert answer.status_code == 415, answer.json()
    assert "far more than any document does" in refusal(answer)


def test_archives_nested_deeper_than_documents_are_refused(officer_api, complaint):
    answer = upload_whole(officer_api, complaint, nested(5), filename="deep.pages")

    assert answer.status_code == 415, answer.json()
    assert "archives inside archives" in refusal(answer)


def test_an_archive_of_more_files_than_the_scanner_opens_refused(officer_api, complaint):
    many = zipped({f"{n}.txt": b"x" for n in range(checks.ARCHIVE_MAX_FILES + 1)})

    answer = upload_whole(officer_api, complaint, many, filename="many.pages")

    assert answer.status_code == 415, answer.json()
    assert "more than 10,000 files" in refusal(answer)


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (
            zipped({"index.xml": b"<page>" + b"Words of a document. " * 20_000 + b"</page>"}),
            "a.pages",
        ),
        (zipped({"inner.zip": zipped({"a.txt": b"text " * 1000}), "b.txt": b"b"}), "b.pages"),
        (DOCX, "letter.docx"),
    ],
)
def test_ordinary_archives_accepted(officer_api, complaint, content, filename):
    answer = upload_whole(officer_api, complaint, content, filename=filename)

    assert answer.status_code == 201, answer.json()
