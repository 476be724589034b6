"""The staff queue of QA evidence requests, the QA dates of each series, and the grades
centres submitted (read only: grades change only by a centre's new submission)."""

from django.contrib import admin

from portal.admin_rules import Declared, ReadOnly
from portal.cases.admin import CaseQueueAdmin, DueFilter
from qa import services
from qa.models import Grade, QaRequest, QaSeries


@admin.register(QaRequest)
class QaRequestAdmin(CaseQueueAdmin):
    list_display = [
        "case_link",
        "due",
        "status",
        "centre",
        "series",
        "syllabus",
        "round",
        "created_at",
    ]
    list_filter = [
        "status",
        DueFilter,
        "series",
        "syllabus",
    ]
    list_select_related = ["centre", "series", "syllabus"]
    search_fields = ["reference", "centre__number", "centre__name", "syllabus__code"]
    fields = [
        "reference",
        "status",
        "centre",
        "series",
        "syllabus",
        "round",
        "requested_by",
        "instructions",
        "created_at",
    ]
    # Every change goes through the case page's moves (judgement, outcome, feedback).
    readonly_fields = fields

    may_change = False


@admin.register(QaSeries)
class QaSeriesAdmin(Declared, admin.ModelAdmin):
    list_display = ["series", "grades_open_at", "grades_close_at", "review_due"]
    fields = ["series", "grades_open_at", "grades_close_at", "review_due"]

    def get_readonly_fields(self, request, obj=None):
        return ["series"] if obj else []

    def save_model(self, request, obj, form, change):
        # Through the service: the reviews under way move to a new due date.
        saved = services.set_qa_dates(
            obj.series,
            by=request.user,
            grades_open_at=obj.grades_open_at,
            grades_close_at=obj.grades_close_at,
            review_due=obj.review_due,
        )
        obj.pk = saved.pk

    may_delete = False


@admin.register(Grade)
class GradeAdmin(ReadOnly):
    list_display = ["candidate", "centre", "series", "syllabus", "grade", "round", "submitted_at"]
    list_filter = ["series", "syllabus"]
    list_select_related = ["candidate", "centre", "series", "syllabus"]
    search_fields = ["candidate__candidate_number", "candidate__surname", "centre__number"]
