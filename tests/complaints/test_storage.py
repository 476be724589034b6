import pytest
from django.core.files.base import ContentFile
from django.db import transaction

from complaints.models import Attachment
from portal.storage import files_discarded_on_failure

pytestmark = pytest.mark.django_db


def _attachment(complaint) -> Attachment:
    return Attachment.objects.create(
        complaint=complaint,
        file=ContentFile(b"%PDF-1.4 letter", name="letter.pdf"),
        original_name="letter.pdf",
        content_type="application/pdf",
        size=15,
    )


def test_files_discarded_when_the_transaction_fails(complaint):
    with (
        pytest.raises(RuntimeError),
        files_discarded_on_failure() as saved,
        transaction.atomic(),
    ):
        attachment = _attachment(complaint)
        saved.append(attachment.file)
        assert attachment.file.storage.exists(attachment.file.name)
        raise RuntimeError("a later step failed")
    assert not attachment.file.storage.exists(attachment.file.name)
    assert Attachment.objects.count() == 0


def test_files_kept_when_the_transaction_commits(complaint):
    with files_discarded_on_failure() as saved, transaction.atomic():
        attachment = _attachment(complaint)
        saved.append(attachment.file)
    assert attachment.file.storage.exists(attachment.file.name)
