"""Evidence of an access arrangement (the assessor's report) or of special consideration
(a supporting letter): attached by the officer through the upload machinery (types, sizes,
malware scan), seen on the case page and by the specialist in the admin."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from entries.arrangements.models import AccessArrangement
from portal.errors import UploadRefused
from tests.entries.arrangements.conftest import SC_URL, apply_aa, apply_sc
from tests.signing_in import sign_in
from tests.uploads.samples import EXE, PDF

NEW_AA = reverse("arrangements:access:create")


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_officer_attaches_the_assessors_report_when_applying(
    client, officer_gb, centre_gb, candidate
):
    sign_in(client, officer_gb)

    response = client.post(
        NEW_AA,
        {
            "centre": centre_gb.pk,
            "series": candidate.series.pk,
            "candidate_number": "0001",
            "arrangement": "scribe",
            "reason": "Broken wrist.",
            "evidence": [pdf("assessor report.pdf")],
        },
    )

    case = AccessArrangement.objects.get()
    assert response.status_code == 302
    report = case.files.get()
    assert (report.name, report.labels, report.uploaded_by) == (
        "assessor report.pdf",
        {"kind": "evidence"},
        officer_gb,
    )
    page = client.get(case.get_absolute_url()).text
    assert report.get_absolute_url() in page
    assert f'data-scan-for="{report.public_id}" data-scan-state="not_scanned"' in page


def test_supporting_letter_attached_to_special_consideration(officer_gb, candidate, syllabus):
    case = apply_sc(officer_gb, candidate, syllabus, evidence=[pdf("letter.pdf")])

    assert list(case.files.values_list("name", flat=True)) == ["letter.pdf"]


def test_evidence_of_a_refused_type_refused_and_nothing_saved(officer_gb, candidate):
    program = SimpleUploadedFile("report.pdf", EXE, content_type="application/pdf")

    with pytest.raises(UploadRefused, match="report.pdf cannot be accepted") as refused:
        apply_aa(officer_gb, candidate, evidence=[program])

    assert refused.value.field == "evidence"
    assert not AccessArrangement.objects.exists()


def test_refused_evidence_shown_on_its_field(client, officer_gb, centre_gb, candidate):
    sign_in(client, officer_gb)
    program = SimpleUploadedFile("report.exe", EXE, content_type="application/pdf")

    response = client.post(
        NEW_AA,
        {
            "centre": centre_gb.pk,
            "series": candidate.series.pk,
            "candidate_number": "0001",
            "arrangement": "scribe",
            "reason": "Broken wrist.",
            "evidence": [program],
        },
    )

    assert response.status_code == 400
    assert "report.exe cannot be accepted" in response.context["form"].errors["evidence"][0]
    assert not AccessArrangement.objects.exists()


@pytest.mark.parametrize("model", ["accessarrangement", "specialconsideration"])
def test_specialist_sees_the_evidence_in_the_admin(
    client, specialist, officer_gb, candidate, syllabus, model
):
    if model == "accessarrangement":
        case = apply_aa(officer_gb, candidate, evidence=[pdf("report.pdf")])
    else:
        case = apply_sc(officer_gb, candidate, syllabus, evidence=[pdf("report.pdf")])
    sign_in(client, specialist)

    page = client.get(f"/admin/arrangements/{model}/{case.pk}/change/").text

    assert case.files.get().get_absolute_url() in page
    assert "Not scanned for malware" in page


def test_api_case_lists_its_evidence_with_the_scan(officer_gb, officer_api, candidate, syllabus):
    case = apply_sc(officer_gb, candidate, syllabus, evidence=[pdf("letter.pdf")])

    data = officer_api.get(f"{SC_URL}{case.reference}/").json()

    assert [(f["name"], f["scan"]) for f in data["files"]] == [("letter.pdf", "not_scanned")]
