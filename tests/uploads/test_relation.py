import pytest
from django.db import transaction

from complaints.attachments import ATTACHMENTS
from complaints.models import Complaint
from portal.storage import files_discarded_on_failure
from portal.uploads.models import Attachment
from portal.uploads.services import attach_files
from tests.signing_in import api_as
from tests.uploads.conftest import upload
from tests.uploads.samples import PDF, PNG

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(complaint, officer_gb):
    case = Complaint.objects.get(pk=complaint.pk)
    with files_discarded_on_failure(), transaction.atomic():
        attach_files(case, [upload("a.pdf", PDF), upload("b.png", PNG)], policy=ATTACHMENTS)
    return case


def test_relation_prefetches_the_files_of_many_cases_in_one_query(filed, django_assert_num_queries):
    with django_assert_num_queries(2):
        cases = list(Complaint.objects.prefetch_related("files"))
        names = [attachment.name for attachment in cases[0].files.all()]
    assert names == ["a.pdf", "b.png"]


def test_relation_deletes_the_rows_with_the_case(filed):
    filed.delete()
    assert Attachment.objects.count() == 0


def test_relation_files_visible_through_the_case_managers_rule(filed, officer_api, officer_pk):
    attachment = filed.files.first()
    url = attachment.get_api_url()
    assert (officer_api.get(url).status_code, api_as(officer_pk).get(url).status_code) == (
        200,
        404,
    )
