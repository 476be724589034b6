"""Counts read as English: one entry, one entries submission, question paper despatches."""

import pytest
from django.urls import reverse

from entries import services
from entries.models import PaperDespatch
from portal.accounts import roles
from tests.factories import CandidateFactory, StaffFactory
from tests.signing_in import sign_in


@pytest.fixture
def grace(centre_gb, series):
    return CandidateFactory(centre=centre_gb, series=series, candidate_number="0001")


def test_officer_home_counts_one_entry(client, officer_gb, grace):
    services.make_entry(grace, syllabus_code="0580", option_code="42", by=officer_gb)
    sign_in(client, officer_gb)

    content = client.get(reverse("home")).content.decode()

    assert "June 2027: 1 entry. " in content


def test_staff_home_counts_one_entries_submission(client, charter, officer_gb, grace):
    services.make_entry(grace, syllabus_code="0580", option_code="42", by=officer_gb)
    services.submit_entries(centre=grace.centre, series=grace.series, by=officer_gb)
    sign_in(client, StaffFactory(roles=[roles.ENTRIES_TEAM]))

    content = client.get(reverse("home")).content.decode()

    assert "1 entries submission waiting to be confirmed." in content


def test_submitting_one_entry_says_one_entry(client, charter, officer_gb, grace):
    services.make_entry(grace, syllabus_code="0580", option_code="42", by=officer_gb)
    sign_in(client, officer_gb)

    response = client.post("/entries/J27/submit/", {"centre": "GB001"}, follow=True)

    assert "1 entry submitted as ENT-" in response.content.decode()


def test_question_paper_despatches_are_named_in_the_plural(staff_client):
    content = staff_client.get(reverse("admin:index")).content.decode()

    assert PaperDespatch._meta.verbose_name_plural == "question paper despatches"
    assert "Question paper despatches" in content
    assert "despatchs" not in content
