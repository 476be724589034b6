import pytest
from django.core.files.storage import default_storage
from django.db import transaction

from complaints.attachments import ATTACHMENTS
from portal.storage import files_discarded_on_failure
from portal.uploads.models import Attachment
from portal.uploads.services import attach_files
from tests.complaints.conftest import pdf

pytestmark = pytest.mark.django_db


def test_files_discarded_when_the_transaction_fails(complaint):
    with pytest.raises(RuntimeError), files_discarded_on_failure(), transaction.atomic():
        [attachment] = attach_files(complaint, [pdf()], policy=ATTACHMENTS)
        assert default_storage.exists(attachment.file.name)
        raise RuntimeError("a later step failed")
    assert not default_storage.exists(attachment.file.name)
    assert Attachment.objects.count() == 0


def test_files_kept_when_the_transaction_commits(complaint):
    with files_discarded_on_failure(), transaction.atomic():
        [attachment] = attach_files(complaint, [pdf()], policy=ATTACHMENTS)
    assert default_storage.exists(attachment.file.name)
    assert complaint.files.get() == attachment
