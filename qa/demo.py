"""Demo QA: the November series' grade window open, grades of both demo centres, and an
evidence request at every stage. Found by centre, series and syllabus, so that seeding
twice adds nothing."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from entries.models import Candidate, Entry, Series, Syllabus
from portal.calendar import london_date
from portal.centres.models import Centre
from portal.uploads import scanning
from portal.uploads.models import Scan
from qa import services
from qa.models import Grade, QaRequest, QaSeries

SERIES = "N26"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
# Grades by candidate number, per syllabus: a spread for sampling to choose from.
GRADES = {
    "0580": ["A", "B", "C", "B"],
    "0610": ["A*", "B", "D", "C"],
    "0625": ["B", "C", "C", "E"],
}
# (centre, syllabus, stage): the officer of GB001 has one ready to submit and one under
# review; PK002's show a further round and the settled outcomes.
STAGES = [
    ("GB001", "0580", "ready"),
    ("GB001", "0610", "submitted"),
    ("GB001", "0625", "adjusted"),
    ("PK002", "0580", "accepted"),
    ("PK002", "0610", "more_requested"),
    ("PK002", "0625", "requested"),
]


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _send(request: QaRequest, officer, *, marks: bool = True) -> None:
    """Upload what the request asks for (the marks of the last candidate left out)."""
    if not services.request_files(request).exists():
        services.add_evidence(request, files=[_pdf("rationale.pdf")], kind="rationale", by=officer)
        services.add_evidence(request, files=[_pdf("past-paper.pdf")], kind="task", by=officer)
    numbers = [s.candidate.candidate_number for s in request.sample.select_related("candidate")]
    have = {
        (f.labels.get("kind"), f.labels.get("candidate_number"))
        for f in services.request_files(request)
    }
    for n, number in enumerate(numbers):
        if ("evidence", number) not in have:
            services.add_evidence(
                request,
                files=[_pdf(f"responses-{number}.pdf")],
                kind="evidence",
                candidate_number=number,
                by=officer,
            )
        if (marks or n < len(numbers) - 1) and ("marks", number) not in have:
            services.add_evidence(
                request,
                files=[_pdf(f"marks-{number}.pdf")],
                kind="marks",
                candidate_number=number,
                by=officer,
            )


def seed_qa() -> None:
    series = Series.objects.filter(code=SERIES).first()
    if series is None:
        return
    now = timezone.now()
    QaSeries.objects.update_or_create(
        series=series,
        defaults={
            "grades_open_at": now - dt.timedelta(days=20),
            "grades_close_at": now + dt.timedelta(days=10),
            "review_due": london_date(now) + dt.timedelta(days=30),
        },
    )
    users = get_user_model().objects
    specialist = users.get(username="specialist")
    officers = {"GB001": users.get(username="officer1"), "PK002": users.get(username="officer2")}
    centres = {c.number: c for c in Centre.objects.filter(number__in=officers)}
    for number, centre in centres.items():
        for code, grades in GRADES.items():
            syllabus = Syllabus.objects.get(code=code)
            entered = Entry.objects.filter(
                candidate__centre=centre, candidate__series=series, syllabus=syllabus
            ).values_list("candidate_id", flat=True)
            candidates = Candidate.objects.filter(pk__in=entered).order_by("candidate_number")
            for candidate, grade in zip(candidates, grades, strict=False):
                Grade.objects.get_or_create(
                    candidate=candidate,
                    syllabus=syllabus,
                    round=1,
                    defaults={
                        "centre": centre,
                        "series": series,
                        "grade": grade,
                        "submitted_by": officers[number],
                    },
                )
    for number, code, stage in STAGES:
        centre, syllabus, officer = (
            centres[number],
            Syllabus.objects.get(code=code),
            officers[number],
        )
        if QaRequest.objects.covering(centre=centre, series=series, syllabus=syllabus).exists():
            continue
        request = services.open_request(
            centre=centre, series=series, syllabus=syllabus, by=specialist
        )
        if stage == "requested":
            continue
        _send(request, officer, marks=stage != "ready")
        if stage == "ready":
            continue
        # A worker scans each file a moment after it arrives; the demo cannot wait for one
        # (with clamd set, its files would still be pending): they are scanned here, at once.
        for attachment_id in (
            services.request_files(request).filter(scan=Scan.PENDING).values_list("pk", flat=True)
        ):
            scanning.scan_attachment(attachment_id)
        request = services.submit_evidence(request, by=officer)
        judged = {"process_reasonable": "yes", "grades_reasonable": "yes", "grades_aligned": "yes"}
        if stage == "accepted":
            services.accept_grades(
                request,
                by=specialist,
                judgement=judged,
                feedback="The grades are well supported by the evidence. Thank you.",
            )
        elif stage == "more_requested":
            services.request_more(
                request,
                by=specialist,
                judgement={**judged, "grades_reasonable": "no"},
                feedback="The grades of the pieces of evidence are generous for the work "
                "shown; please reconsider your grades for this syllabus.",
            )
        elif stage == "adjusted":
            first = request.sample.select_related("candidate").first().candidate
            services.adjust_grades(
                request,
                by=specialist,
                grades=[{"candidate_number": first.candidate_number, "grade": "C"}],
                judgement={**judged, "grades_aligned": "no"},
                feedback="The final grade of one candidate does not follow from the evidence.",
            )


STEPS = [seed_qa]
