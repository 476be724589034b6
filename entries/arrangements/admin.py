"""The staff queues: applications and appeals, next due first, late ones marked; each row
opens the case page, where its decisions are made."""

from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from entries.arrangements import services
from entries.arrangements.models import AccessArrangement, Appeal, SpecialConsideration
from portal.cases.admin import CaseQueueAdmin, DueFilter


class _ReadOnlyQueue(CaseQueueAdmin):
    all_read_only = True


class _WithEvidence(_ReadOnlyQueue):
    extra_readonly = ["evidence"]

    @admin.display(description="evidence")
    def evidence(self, case):
        files = list(case.files.all())
        if not files:
            return "None sent"
        return format_html_join(
            mark_safe("<br>"),
            "{}",
            ((render_to_string("uploads/_file.html", {"f": f, "staff": True}),) for f in files),
        )


@admin.register(AccessArrangement)
class AccessArrangementAdmin(_WithEvidence):
    list_display = [
        "case_link",
        "due",
        "status",
        "arrangement",
        "centre",
        "series",
        "candidate",
        "created_at",
    ]
    list_filter = [
        "status",
        DueFilter,
        "arrangement",
        "series",
    ]
    list_select_related = ["centre", "series", "candidate"]
    search_fields = ["reference", "centre__number", "candidate__candidate_number"]
    bulk_moves = {
        "acknowledge": (
            services.acknowledge_access_arrangement,
            "Acknowledge the selected applications",
            "acknowledged",
        ),
    }


@admin.register(SpecialConsideration)
class SpecialConsiderationAdmin(_WithEvidence):
    list_display = [
        "case_link",
        "due",
        "status",
        "category",
        "centre",
        "series",
        "syllabus",
        "candidate",
        "adjustment_percent",
        "created_at",
    ]
    list_filter = [
        "status",
        DueFilter,
        "category",
        "series",
    ]
    list_select_related = ["centre", "series", "syllabus", "candidate"]
    search_fields = [
        "reference",
        "centre__number",
        "candidate__candidate_number",
        "syllabus__code",
    ]


@admin.register(Appeal)
class AppealAdmin(_ReadOnlyQueue):
    list_display = ["case_link", "due", "status", "stage", "against", "centre", "created_at"]
    list_filter = ["status", DueFilter, "stage"]
    list_select_related = ["centre", "access_arrangement", "special_consideration"]
    search_fields = [
        "reference",
        "centre__number",
        "access_arrangement__reference",
        "special_consideration__reference",
    ]

    @admin.display(description="against")
    def against(self, appeal):
        return appeal.original.reference
