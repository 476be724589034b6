from django.db import transaction

from centres.registration.models import QualityStandard, StandardSet
from portal import audit


def save_standard(
    standard: QualityStandard, *, by, changed: list[str], previous: dict | None = None
) -> QualityStandard:
    """Save a standard as edited, and put a published standard's new text on the audit trail.

    1. Save the standard.
    2. If its set is published and its text changed, record who changed it, from what, to what.
    """
    previous = previous or {}
    with transaction.atomic():
        standard.save()
        if standard.standard_set.fixed and "text" in changed:
            audit.record(
                standard,
                "quality_standard.text_changed",
                by=by,
                summary=f"Text of published standard {standard.code} "
                f"({standard.standard_set.year}) changed",
                data={"from": previous.get("text", ""), "to": standard.text},
            )
    return standard


def save_standard_set(standard_set: StandardSet, *, by, changed: list[str]) -> StandardSet:
    """Save a set as edited; publishing it is recorded (schools are assessed against it from
    then on)."""
    with transaction.atomic():
        standard_set.save()
        if "published" in changed and standard_set.published:
            audit.record(
                standard_set, "published", by=by, summary=f"Standards {standard_set.year} published"
            )
    return standard_set


# --- Centre applications (registration/applying.py, registration/judging.py) -------------
from centres.registration.applying import *  # noqa: E402, F403 - the applicant's side
from centres.registration.judging import *  # noqa: E402, F403 - the registration team's
