import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from complaints.attachments import ATTACHMENTS
from portal.errors import UploadRefused
from portal.storage import files_discarded_on_failure
from portal.uploads.models import Attachment
from portal.uploads.services import attach_files, attach_stored_file, check_files
from tests.uploads.conftest import upload
from tests.uploads.policies import QA_EVIDENCE
from tests.uploads.samples import DOCX, HTML, PDF, PNG

pytestmark = pytest.mark.django_db


def _stored_keys() -> list[str]:
    return default_storage.listdir("uploads")[1] if default_storage.exists("uploads") else []


def test_attach_files_records_size_sha256_and_detected_type(complaint, officer_gb):
    with files_discarded_on_failure(), transaction.atomic():
        (attachment,) = attach_files(
            complaint, [upload("letter.pdf", PDF)], policy=ATTACHMENTS, by=officer_gb
        )
    attachment.refresh_from_db()
    assert (attachment.name, attachment.content_type, attachment.size, attachment.sha256) == (
        "letter.pdf",
        "application/pdf",
        len(PDF),
        hashlib.sha256(PDF).hexdigest(),
    )
    assert (attachment.case, attachment.uploaded_by) == (complaint, officer_gb)
    assert attachment.file.read() == PDF


def test_attach_files_stores_under_generated_keys_never_the_name(complaint, officer_gb):
    files = [upload("letter.pdf", PDF), upload("letter.pdf", PDF)]
    with files_discarded_on_failure(), transaction.atomic():
        first, second = attach_files(complaint, files, policy=ATTACHMENTS, by=officer_gb)
    assert "letter" not in first.file.name
    assert first.file.name.startswith("uploads/")
    assert first.file.name != second.file.name
    assert first.public_id != second.public_id


def test_attach_files_hashes_large_files_read_in_many_chunks(complaint, officer_gb):
    content = PDF + bytes(range(256)) * 40_000
    with files_discarded_on_failure(), transaction.atomic():
        (attachment,) = attach_files(
            complaint, [upload("long.pdf", content)], policy=ATTACHMENTS, by=officer_gb
        )
    assert (attachment.size, attachment.sha256) == (
        len(content),
        hashlib.sha256(content).hexdigest(),
    )


def test_attach_files_checks_all_before_saving_any(complaint, officer_gb):
    files = [upload("letter.pdf", PDF), upload("evil.pdf", HTML)]
    with (
        pytest.raises(UploadRefused, match="evil.pdf"),
        files_discarded_on_failure(),
        transaction.atomic(),
    ):
        attach_files(complaint, files, policy=ATTACHMENTS, by=officer_gb)
    assert (Attachment.objects.count(), _stored_keys()) == (0, [])


def test_attach_files_discarded_when_the_callers_transaction_fails(complaint, officer_gb):
    with pytest.raises(RuntimeError), files_discarded_on_failure(), transaction.atomic():
        (attachment,) = attach_files(
            complaint, [upload("letter.pdf", PDF)], policy=ATTACHMENTS, by=officer_gb
        )
        assert default_storage.exists(attachment.file.name)
        raise RuntimeError("a later step failed")
    assert (Attachment.objects.count(), _stored_keys()) == (0, [])


def test_attach_files_outside_a_discarding_block_is_refused(complaint, officer_gb):
    with pytest.raises(RuntimeError, match="files_discarded_on_failure"):
        attach_files(complaint, [upload("letter.pdf", PDF)], policy=ATTACHMENTS, by=officer_gb)
    assert (Attachment.objects.count(), _stored_keys()) == (0, [])


def test_attach_files_takes_files_checked_earlier(complaint, officer_gb):
    checked = check_files([upload("essay.docx", DOCX)], policy=ATTACHMENTS)
    with files_discarded_on_failure(), transaction.atomic():
        (attachment,) = attach_files(complaint, checked, policy=ATTACHMENTS, by=officer_gb)
    assert attachment.content_type.endswith("wordprocessingml.document")


def test_attach_files_checks_again_under_another_policy(complaint, officer_gb):
    checked = check_files([upload("site.html", HTML)], policy=QA_EVIDENCE)
    with pytest.raises(UploadRefused, match="site.html"), files_discarded_on_failure():
        attach_files(complaint, checked, policy=ATTACHMENTS, by=officer_gb)
    assert Attachment.objects.count() == 0


def test_attach_files_to_an_unsaved_case_is_refused(officer_gb):
    from complaints.models import Complaint

    with pytest.raises(ValueError, match="Save the case"), files_discarded_on_failure():
        attach_files(Complaint(), [upload("a.pdf", PDF)], policy=ATTACHMENTS, by=officer_gb)


def test_attachments_of_a_case_are_listed_for_it(complaint, officer_gb):
    with files_discarded_on_failure(), transaction.atomic():
        attached = attach_files(
            complaint, [upload("a.pdf", PDF), upload("b.png", PNG)], policy=ATTACHMENTS
        )
    assert list(Attachment.objects.for_case(complaint)) == attached
    assert attached[0].uploaded_by is None


def _stored(content: bytes) -> str:
    return default_storage.save("uploads/assembled", ContentFile(content))


def test_attach_stored_file_keeps_the_given_size_and_sha256(complaint, officer_gb):
    key = _stored(PDF)
    digest = hashlib.sha256(PDF).hexdigest()
    attachment = attach_stored_file(
        complaint,
        key=key,
        name="evidence.pdf",
        size=len(PDF),
        sha256=digest,
        policy=QA_EVIDENCE,
        by=officer_gb,
    )
    assert (attachment.file.name, attachment.content_type, attachment.size, attachment.sha256) == (
        key,
        "application/pdf",
        len(PDF),
        digest,
    )


def test_attach_stored_file_refuses_content_its_name_does_not_say(complaint, officer_gb):
    key = _stored(HTML)
    with pytest.raises(UploadRefused, match="its name says .pdf but its content is Web"):
        attach_stored_file(
            complaint,
            key=key,
            name="evidence.pdf",
            size=len(HTML),
            sha256="0" * 64,
            policy=QA_EVIDENCE,
            by=officer_gb,
        )
    assert Attachment.objects.count() == 0


def test_attach_stored_file_refuses_a_file_not_arrived_whole(complaint, officer_gb):
    key = _stored(PDF[:10])
    with pytest.raises(UploadRefused, match="has not arrived whole"):
        attach_stored_file(
            complaint,
            key=key,
            name="evidence.pdf",
            size=len(PDF),
            sha256="0" * 64,
            policy=QA_EVIDENCE,
            by=officer_gb,
        )
    assert Attachment.objects.count() == 0
