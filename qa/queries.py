"""Reading QA requests: the home page section."""

from portal.cases.models import next_due_first, role_refuses
from portal.sla.models import with_deadlines
from qa.models import QaRequest

HOME_SHOWN = 10


def home_section(user, centres) -> dict | None:
    """The officer's requests under way, next due first; staff whose role works with QA
    see what waits for them."""
    if role_refuses(user, QaRequest):
        return None
    cases = (
        QaRequest.objects.visible_to(user, listed=True)
        .open()
        .select_related("centre", "syllabus", "series")
        .prefetch_related(*with_deadlines())
        .order_by(next_due_first(), "created_at")
    )
    if not user.is_staff:
        cases = cases.filter(centre__in=centres)
    cases = list(cases[:HOME_SHOWN])
    if not cases:
        return None
    return {"template": "qa/_home_section.html", "cases": cases, "staff": user.is_staff}
