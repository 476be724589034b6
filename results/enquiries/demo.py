"""Demo enquiries about the June results: the fees and deadlines of every service, and for
GB001 one enquiry that changed a grade, one that confirmed it and one waiting. Found by
result, so that seeding twice adds nothing."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from entries.models import Series
from results.enquiries import services
from results.enquiries.models import Enquiry, Service, ServiceTerms
from results.models import Result

# Service: (fee in GBP, days after the release to ask for it).
TERMS = {
    Service.CLERICAL_RECHECK: (Decimal("25.00"), 30),
    Service.REVIEW_OF_MARKING: (Decimal("60.00"), 30),
    Service.PRIORITY_REVIEW: (Decimal("95.00"), 10),
    Service.REVIEW_OF_MODERATION: (Decimal("300.00"), 30),
    Service.ACCESS_TO_SCRIPT: (Decimal("15.00"), 30),
}


def seed_terms(series: Series) -> None:
    for service, (fee, days) in TERMS.items():
        ServiceTerms.objects.get_or_create(
            series=series,
            service=service,
            defaults={"fee": fee, "closes_at": series.results_release_at + dt.timedelta(days)},
        )


def seed_enquiries() -> None:
    for series in Series.objects.filter(results_release_at__isnull=False):
        seed_terms(series)
    series = Series.objects.filter(code="J26", results_release_at__lte=timezone.now()).first()
    officer = get_user_model().objects.filter(username="officer1").first()
    staff = get_user_model().objects.filter(username="staff").first()
    if series is None or officer is None or staff is None:
        return
    results = list(
        Result.objects.filter(series=series, centre__number="GB001", status=Result.Status.ISSUED)
        .exclude(changes__isnull=False)
        .select_related("centre", "candidate", "syllabus")[:3]
    )
    if Enquiry.objects.filter(series=series, centre__number="GB001").exists():
        return
    start = series.results_release_at + dt.timedelta(days=2)
    plans = [
        (Service.REVIEW_OF_MARKING, "changed"),
        (Service.CLERICAL_RECHECK, "confirmed"),
        (Service.REVIEW_OF_MARKING, "waiting"),
    ]
    for n, (result, (service, outcome)) in enumerate(zip(results, plans, strict=False)):
        at = start + dt.timedelta(hours=n)
        if outcome == "waiting":
            at = min(timezone.now(), series.results_release_at + dt.timedelta(days=29))
        case = services.submit_enquiry(
            centre=result.centre,
            series=series,
            candidate_number=result.candidate.candidate_number,
            syllabus=result.syllabus,
            service=service,
            by=officer,
            at=at,
        )
        if outcome == "waiting":
            continue
        case = services.acknowledge_enquiry(case, by=staff, at=at + dt.timedelta(days=2))
        grade = result.grade
        if outcome == "changed":
            grade = "A" if result.grade != "A" else "A*"
        services.send_outcome(
            case,
            by=staff,
            grade=grade,
            note="The script was reviewed by a senior examiner.",
            at=at + dt.timedelta(days=12),
        )


STEPS = [seed_enquiries]
