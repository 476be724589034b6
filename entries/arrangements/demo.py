"""Demo applications of both centres at every step, with appeals at both stages: found by
candidate and what was asked for, so that seeding twice adds nothing."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Max
from django.utils import timezone

from entries.arrangements import services
from entries.arrangements.models import Category, SpecialConsideration
from entries.models import Candidate, Series, Syllabus

ARRANGEMENTS = [
    ("GB001", "0001", "extra_time_25", "Slow processing speed (assessed in Year 9).", "granted"),
    ("GB001", "0002", "reader", "Visual impairment; a reader in every lesson.", "received"),
    ("GB001", "0003", "scribe", "Broken wrist (writing arm) since last month.", "acknowledged"),
    ("GB001", "0004", "modified_paper", "Needs enlarged papers (A3, 18 point).", "approved"),
    (
        "GB001",
        "0001",
        "practical_assistant",
        "Fine motor difficulties in practical work.",
        "appealed",
    ),
    ("PK002", "0001", "word_processor", "Writes far faster by keyboard.", "granted"),
    ("PK002", "0002", "extra_time_over_25", "Specialist assessment: 50% extra time.", "received"),
]
CONSIDERATIONS = [
    (
        "GB001",
        "0002",
        "0580",
        Category.PRESENT_DISADVANTAGED,
        "Fire alarm during paper 4.",
        "received",
    ),
    ("GB001", "0003", "0610", Category.ABSENT, "In hospital for paper 6.", "granted"),
    (
        "GB001",
        "0004",
        "0625",
        Category.COURSEWORK_LOST,
        "Practical file lost in a flood.",
        "stage 2",
    ),
    ("GB001", "0001", "0500", Category.COURSEWORK_SHORTFALL, "Bereavement in term.", "upheld"),
    ("PK002", "0001", "0580", Category.PRESENT_DISADVANTAGED, "Power cut in the hall.", "received"),
]


def _series() -> Series | None:
    # The latest series whose candidates the entries demo created.
    return (
        Series.objects.filter(candidates__centre__number="GB001")
        .order_by("-results_release_at")
        .distinct()
        .first()
    )


def _sat_series() -> Series | None:
    # The latest series of the entries demo whose timetable has been sat: special
    # consideration is taken only once a syllabus's first paper has been.
    today = timezone.localdate()
    sat = Series.objects.filter(candidates__centre__number="GB001").annotate(
        last_paper=Max("papers__date")
    )
    return sat.filter(last_paper__lt=today).order_by("-last_paper").distinct().first()


def _when(series: Series, syllabus: Syllabus) -> dt.datetime:
    """Now if the window is open, else a day before it closed."""
    now = timezone.now()
    closes = services.consideration_closes_at(series, syllabus)
    return now if now <= closes else closes - dt.timedelta(days=1)


def seed_arrangements() -> None:
    series = _series()
    if series is None:
        return
    users = get_user_model().objects
    staff, specialist = users.get(username="staff"), users.get(username="specialist")
    officers = {"GB001": users.get(username="officer1"), "PK002": users.get(username="officer2")}
    for number, candidate_number, arrangement, reason, stage in ARRANGEMENTS:
        candidate = Candidate.objects.filter(
            centre__number=number, series=series, candidate_number=candidate_number
        ).first()
        if (
            candidate is None
            or candidate.access_arrangements.filter(arrangement=arrangement).exists()
        ):
            continue
        case = services.apply_for_access_arrangement(
            centre=candidate.centre,
            series=series,
            candidate_number=candidate_number,
            arrangement=arrangement,
            reason=reason,
            by=officers[number],
        )
        if stage in ("acknowledged", "approved"):
            case = services.acknowledge_access_arrangement(case, by=staff)
        if stage == "approved":
            services.approve_access_arrangement(case, by=staff, note="Approved for all papers.")
        if stage == "appealed":
            case = services.decline_access_arrangement(
                case, by=staff, reason="The evidence does not show a need in written papers."
            )
            services.lodge_appeal(
                case,
                grounds="The occupational therapist's report covers written papers too.",
                by=officers[number],
            )
    series = _sat_series()
    if series is None:
        return
    for number, candidate_number, code, category, reason, stage in CONSIDERATIONS:
        candidate = Candidate.objects.filter(
            centre__number=number, series=series, candidate_number=candidate_number
        ).first()
        syllabus = Syllabus.objects.filter(code=code).first()
        if candidate is None or syllabus is None:
            continue
        if SpecialConsideration.objects.filter(
            candidate=candidate, syllabus=syllabus, category=category
        ).exists():
            continue
        case = services.apply_for_special_consideration(
            centre=candidate.centre,
            series=series,
            candidate_number=candidate_number,
            syllabus=syllabus,
            category=category,
            half_completed=category == Category.ABSENT,
            reason=reason,
            by=officers[number],
            at=_when(series, syllabus),
        )
        if stage == "granted":
            services.grant_special_consideration(case, by=staff, adjustment_percent=3)
        if stage in ("stage 2", "upheld"):
            case = services.decline_special_consideration(
                case, by=staff, reason="The evidence does not show the candidate was affected."
            )
            first = services.lodge_appeal(
                case, grounds="The head of centre's letter explains it.", by=officers[number]
            )
            if stage == "upheld":
                services.uphold_appeal(
                    first,
                    by=specialist,
                    outcome="The letter shows the candidate was affected for weeks.",
                    adjustment_percent=2,
                )
            else:
                services.dismiss_appeal(
                    first, by=specialist, outcome="Coursework can be redone before the deadline."
                )
                services.lodge_appeal(
                    case,
                    grounds="The deadline passed before the file was found to be lost.",
                    by=officers[number],
                )


STEPS = [seed_arrangements]
