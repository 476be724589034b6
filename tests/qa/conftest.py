"""A centre's syllabus with entered, graded candidates, and evidence requests on it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.accounts import roles
from qa import services
from tests.factories import (
    CandidateFactory,
    EntryFactory,
    GradeFactory,
    QaSeriesFactory,
    SeriesFactory,
    StaffFactory,
    SyllabusFactory,
)
from tests.signing_in import api_as

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
GRADES = ["A", "B", "B", "C", "D", "U"]


def pdf(name="evidence.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _charter(charter):
    """QA requests start clocks: every test here has the charter."""


@pytest.fixture
def series(db):
    return SeriesFactory(code="N27", name="November 2027")


@pytest.fixture
def window(series):
    return QaSeriesFactory(series=series)


@pytest.fixture
def maths(db):
    return SyllabusFactory(code="0580", title="Mathematics")


@pytest.fixture
def biology(db):
    return SyllabusFactory(code="0610", title="Biology")


def enter(centre, series, syllabuses, count=6):
    """``count`` candidates of ``centre`` entered for each of ``syllabuses``."""
    candidates = [
        CandidateFactory(centre=centre, series=series, candidate_number=f"{n:04d}")
        for n in range(1, count + 1)
    ]
    for candidate in candidates:
        for syllabus in syllabuses:
            EntryFactory(candidate=candidate, syllabus=syllabus)
    return candidates


@pytest.fixture
def candidates(centre_gb, series, window, maths, biology):
    return enter(centre_gb, series, [maths, biology])


@pytest.fixture
def graded(candidates, maths):
    """Round-1 grades of every candidate for 0580: A, B, B, C, D, U."""
    return [
        GradeFactory(candidate=c, syllabus=maths, grade=g)
        for c, g in zip(candidates, GRADES, strict=True)
    ]


@pytest.fixture
def specialist(db):
    return StaffFactory(username="specialist-qa", roles=[roles.ASSESSMENT_SPECIALIST])


@pytest.fixture
def specialist_api(specialist):
    return api_as(specialist)


@pytest.fixture
def qa_request(graded, centre_gb, series, maths, specialist):
    """A request for 0580 of GB001, sampling candidates 0001 and 0004."""
    return services.open_request(
        centre=centre_gb, series=series, syllabus=maths, candidates=["0001", "0004"], by=specialist
    )


def send_everything(request, officer, *, skip=()):
    """Upload the Rationale Document, the tasks and each sampled candidate's evidence and
    marks, except what ``skip`` names (``"rationale"`` or ``("evidence", "0001")``)."""
    for kind in ("rationale", "task"):
        if kind not in skip:
            services.add_evidence(request, files=[pdf(f"{kind}.pdf")], kind=kind, by=officer)
    for sampled in request.sample.select_related("candidate"):
        number = sampled.candidate.candidate_number
        for kind in ("evidence", "marks"):
            if (kind, number) not in skip:
                services.add_evidence(
                    request,
                    files=[pdf(f"{kind}-{number}.pdf")],
                    kind=kind,
                    candidate_number=number,
                    by=officer,
                )


@pytest.fixture
def submitted(qa_request, officer_gb):
    send_everything(qa_request, officer_gb)
    return services.submit_evidence(qa_request, by=officer_gb)
