"""The demo's QA: a request at every stage for the demo centres, seeded once however often
``seed_demo`` runs; the staff queue open to assessment specialists only."""

import pytest
from django.core.management import call_command

from portal.accounts import roles
from portal.uploads.models import Attachment
from qa.models import Grade, QaRequest
from tests.factories import StaffFactory
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db


def test_seed_demo_twice_makes_each_request_once(seeded_demo, settings):
    settings.DEBUG = True
    counts = (QaRequest.objects.count(), Grade.objects.count(), Attachment.objects.count())
    call_command("seed_demo")

    assert (QaRequest.objects.count(), Grade.objects.count(), Attachment.objects.count()) == counts
    assert set(QaRequest.objects.values_list("status", flat=True)) == set(QaRequest.Status.values)
    assert set(QaRequest.objects.values_list("centre__number", flat=True)) == {"GB001", "PK002"}


def test_labelled_finds_a_requests_files_by_label(submitted):
    files = Attachment.objects.for_case(submitted)

    assert files.labelled(kind="evidence").count() == 2
    assert files.labelled(kind="evidence", candidate_number="0004").count() == 1
    assert files.labelled(kind="rationale").count() == 1


def test_queue_opens_to_assessment_specialists(client, specialist, submitted):
    sign_in(client, specialist)

    page = client.get("/admin/qa/qarequest/")

    assert page.status_code == 200
    assert submitted.reference in page.text


def test_queue_refused_to_complaints_investigators(client, submitted):
    investigator = StaffFactory(roles=[roles.COMPLAINTS_INVESTIGATOR])
    sign_in(client, investigator)

    assert client.get("/admin/qa/qarequest/").status_code == 403
    assert client.get(submitted.get_absolute_url()).status_code == 403
