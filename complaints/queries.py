"""Reading complaints: the home page section, the staff report and its figures."""

from collections import Counter

from django.db.models import Count

from complaints.models import Category, Complaint, Kind, RootCause
from portal.cases.models import next_due_first
from portal.core.charts import BarChart, Series
from portal.sla.models import with_deadlines
from portal.spreadsheets import spreadsheet_safe

HOME_SHOWN = 10


def home_section(user, centres) -> dict | None:
    """The officer's open complaints; staff see what waits in the queue, next due first."""
    cases = (
        Complaint.objects.visible_to(user, listed=True)
        .open()
        .select_related("centre")
        .prefetch_related(*with_deadlines())
    )
    # Whatever is due soonest comes first; cases without a running deadline come last.
    cases = cases.order_by(next_due_first(), "created_at")
    if not user.is_staff:
        cases = cases.filter(centre__in=centres)
    cases = list(cases[:HOME_SHOWN])
    if not cases and user.is_staff:
        return None
    return {
        "template": "complaints/_home_section.html",
        "cases": cases,
        "staff": user.is_staff,
    }


def report(cases=None) -> dict:
    """Complaints and expressions of dissatisfaction by category and by root cause."""
    cases = Complaint.objects.all() if cases is None else cases
    by_category = Counter()
    for row in cases.values("category", "kind").annotate(n=Count("pk")):
        by_category[(row["category"], row["kind"])] = row["n"]
    categories = [
        {
            "label": label,
            "complaints": by_category[(value, Kind.COMPLAINT)],
            "dissatisfaction": by_category[(value, Kind.DISSATISFACTION)],
        }
        for value, label in Category.choices
    ]
    causes = dict(cases.exclude(root_cause="").values_list("root_cause").annotate(n=Count("pk")))
    root_causes = [
        {"label": label, "count": causes.get(value, 0)} for value, label in RootCause.choices
    ]
    actions = (
        cases.exclude(improvement_action="").select_related("centre").order_by("-created_at")[:200]
    )
    return {
        "categories": categories,
        "root_causes": root_causes,
        "actions": actions,
        "total": cases.count(),
        "category_chart": BarChart(
            title="Submissions by category",
            description="One bar per category: formal complaints, then expressions of "
            "dissatisfaction.",
            label_heading="Category",
            series=(
                Series("Formal complaints", tone="brand"),
                Series("Expressions of dissatisfaction", tone="warn"),
            ),
            rows=tuple(
                (row["label"], (row["complaints"], row["dissatisfaction"])) for row in categories
            ),
        ),
        "cause_chart": BarChart(
            title="Submissions by root cause",
            description="One bar per root cause found by the investigation.",
            label_heading="Root cause",
            series=(Series("Cases", tone="brand"),),
            rows=tuple((row["label"], (row["count"],)) for row in root_causes),
        ),
    }


CSV_COLUMNS = [
    ("reference", "Reference"),
    ("created_at", "Received"),
    ("kind", "Kind"),
    ("category", "Category"),
    ("route", "Route"),
    ("status", "Status"),
    ("centre", "Centre"),
    ("subject", "Subject"),
    ("root_cause", "Root cause"),
    ("improvement_action", "Improvement action"),
]


def csv_rows(cases):
    yield [label for _, label in CSV_COLUMNS]
    for case in cases.select_related("centre").order_by("created_at").iterator():
        values = {
            "reference": case.reference,
            "created_at": case.created_at.isoformat(),
            "kind": case.get_kind_display(),
            "category": case.get_category_display(),
            "route": case.get_route_display(),
            "status": case.status,
            "centre": case.centre.number if case.centre else "",
            "subject": case.subject,
            "root_cause": case.get_root_cause_display(),
            "improvement_action": case.improvement_action,
        }
        yield [spreadsheet_safe(values[name]) for name, _ in CSV_COLUMNS]
