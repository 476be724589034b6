from django.db import transaction

from portal import audit
from registration.models import QualityStandard


def save_standard(
    standard: QualityStandard, *, by, changed: list[str], previous_text: str
) -> QualityStandard:
    """Save a standard as edited, and put a published standard's new text on the audit trail.

    1. Save the standard.
    2. If its set is published and its text changed, record who changed it, from what, to what.
    """
    with transaction.atomic():
        standard.save()
        if standard.standard_set.published and "text" in changed:
            audit.record(
                standard,
                "quality_standard.text_changed",
                by=by,
                summary=f"Text of published standard {standard.code} "
                f"({standard.standard_set.year}) changed",
                data={"from": previous_text, "to": standard.text},
            )
    return standard
