"""Demo results: the June series out (grades, one pending, one corrected after release and a
syllabus of PK002 held by QA), the November series loaded but not yet released."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from entries.models import Entry, Series
from results import release, services
from results.models import QaHold, Result

GRADES = ["A*", "A", "B", "C", "B", "A", "C", "D"]


@transaction.atomic
def seed_results() -> None:
    now = timezone.now()
    _announce_dates(now)
    for series in Series.objects.filter(code__in=["J26", "N26"]):
        entries = (
            Entry.objects.filter(
                candidate__series=series, candidate__centre__number__in=["GB001", "PK002"]
            )
            .select_related("candidate")
            .order_by("candidate__centre__number", "candidate__candidate_number", "syllabus__code")
        )
        for n, entry in enumerate(entries):
            status = Result.Status.PENDING if n == 5 else Result.Status.ISSUED
            Result.objects.get_or_create(
                candidate=entry.candidate,
                syllabus=entry.syllabus,
                defaults={
                    "series": series,
                    "centre_id": entry.candidate.centre_id,
                    "status": status,
                    "grade": GRADES[n % len(GRADES)] if status == Result.Status.ISSUED else "",
                },
            )
        if series.results_release_at <= now:
            held = Result.objects.filter(series=series, centre__number="PK002").first()
            if (
                held is not None
                and not QaHold.objects.filter(
                    centre=held.centre, series=series, syllabus=held.syllabus
                ).exists()
            ):
                services.hold_results(
                    centre=held.centre, series=series, syllabus=held.syllabus, reference="QA demo"
                )
            corrected = Result.objects.filter(
                series=series, centre__number="GB001", status=Result.Status.ISSUED
            ).first()
            if corrected is not None and not corrected.changes.exists():
                services.change_grade(
                    corrected,
                    grade="A" if corrected.grade != "A" else "B",
                    by=None,
                    reason="A clerical error in the marks was put right.",
                    now=max(now, series.results_release_at + dt.timedelta(days=1)),
                )


def _announce_dates(now: dt.datetime) -> None:
    """Every demo series' results date announced as the charter asks, seven months ahead
    (or today, for a series further off), so that none waits on ``results.notice``."""
    for series in Series.objects.filter(release_dates__isnull=True).order_by("pk"):
        release_at = series.results_release_at
        release.announce_release_date(
            series,
            release_at=release_at,
            by=None,
            now=min(now, release_at - dt.timedelta(days=213)),
        )


STEPS = [seed_results]
