"""Reference data (series with their late-entry periods, syllabuses, components, options and
the timetable, with CSV imports) and the entries team's queues: submissions to confirm,
question papers to despatch, and centres' comments on the provisional timetable."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from entries import services
from entries.models import (
    Candidate,
    Component,
    Entry,
    EntryOption,
    EntrySubmission,
    LateEntryPeriod,
    Paper,
    PaperDespatch,
    Series,
    Syllabus,
    TimetableComment,
)
from entries.queries import entries_changed
from entries.reference import import_reference
from portal.admin_rules import Declared, RowCheckbox
from portal.cases.admin import CaseQueueAdmin, DueFilter
from portal.errors import PortalError


class LateEntryPeriodInline(admin.TabularInline):
    model = LateEntryPeriod
    extra = 0


class ReferenceImportForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[("timetable", "Timetable"), ("options", "Entry options")],
        widget=forms.RadioSelect,
    )
    file = forms.FileField(label="CSV file")


@admin.register(Series)
class SeriesAdmin(RowCheckbox, admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "entry_deadline",
        "results_release_at",
        "provisional_timetable_published_at",
        "import_link",
    ]
    search_fields = ["code", "name"]
    readonly_fields = ["provisional_timetable_published_at"]
    inlines = [LateEntryPeriodInline]
    actions = ["publish_provisional_timetable"]

    def get_readonly_fields(self, request, obj=None):
        # Once a series exists, its release instant moves only through the results team's
        # release dates (results.services): six months' notice, a reason when shorter, the
        # audit trail, never once results are out. The series form never bypasses them.
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("results_release_at")
        return fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.schedule_provisional_timetable(obj)

    @admin.display(description="CSV")
    def import_link(self, series):
        url = reverse("admin:entries_series_import", args=[series.pk])
        return format_html('<a href="{}">Import timetable or options</a>', url)

    @admin.action(
        description="Send the provisional timetable to centres for comment",
        permissions=["change"],
    )
    def publish_provisional_timetable(self, request, queryset):
        for series in queryset:
            try:
                services.publish_provisional_timetable(series, by=request.user)
                self.message_user(request, f"{series}: sent for comment.", messages.SUCCESS)
            except PortalError as error:
                self.message_user(request, f"{series}: {error.message}", messages.WARNING)

    def get_urls(self):
        return [
            path(
                "<int:pk>/import/",
                self.admin_site.admin_view(self.import_view),
                name="entries_series_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request, pk):
        if not self.has_change_permission(request):
            raise PermissionDenied
        series = get_object_or_404(Series, pk=pk)
        form = ReferenceImportForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            outcome = import_reference(
                form.cleaned_data["kind"],
                series=series,
                stream=form.cleaned_data["file"],
                by=request.user,
            )
            if outcome.ok:
                self.message_user(request, f"{outcome.created} rows imported.", messages.SUCCESS)
                return redirect("admin:entries_series_change", series.pk)
            errors = outcome.errors
        context = {
            **self.admin_site.each_context(request),
            "title": f"Import into {series}",
            "series": series,
            "form": form,
            "errors": errors,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/entries/import.html", context)


@admin.register(Syllabus)
class SyllabusAdmin(RowCheckbox, admin.ModelAdmin):
    list_display = ["code", "title", "qualification"]
    search_fields = ["code", "title"]


@admin.register(Component)
class ComponentAdmin(RowCheckbox, admin.ModelAdmin):
    list_display = ["syllabus", "code", "title"]
    search_fields = ["syllabus__code", "title"]
    list_select_related = ["syllabus"]


@admin.register(EntryOption)
class EntryOptionAdmin(RowCheckbox, admin.ModelAdmin):
    list_display = ["series", "syllabus", "code", "title"]
    list_filter = ["series"]
    search_fields = ["syllabus__code", "code"]
    list_select_related = ["series", "syllabus"]
    filter_horizontal = ["components"]


@admin.register(Paper)
class PaperAdmin(RowCheckbox, admin.ModelAdmin):
    list_display = ["component", "series", "date", "session", "duration"]
    list_filter = ["series", "session"]
    search_fields = ["component__syllabus__code"]
    list_select_related = ["component__syllabus", "series"]
    date_hierarchy = "date"


@admin.register(Candidate)
class CandidateAdmin(RowCheckbox, admin.ModelAdmin):
    list_display = ["candidate_number", "surname", "forenames", "centre", "series", "uci"]
    list_filter = ["series"]
    search_fields = ["candidate_number", "surname", "uci", "centre__number"]
    list_select_related = ["centre", "series"]
    # Centre by centre, series by series (by the rows' keys), then by number: the unique
    # index's order. The model's own (the centre's number, the series' release) joins both
    # tables and sorts thousands of candidates for a page.
    ordering = ["centre_id", "series_id", "candidate_number"]

    def get_readonly_fields(self, request, obj=None):
        # A candidate never changes centre or series: their entries keep the centre on the
        # row, and the centre's figures of the series are kept (entries.queries.remembered).
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "centre", "series"] if obj is not None else fields


@admin.register(Entry)
class EntryAdmin(Declared, admin.ModelAdmin):
    list_display = [
        "candidate",
        "syllabus",
        "option_code",
        "candidate__series",
        "status",
        "late_fee",
    ]
    list_filter = ["candidate__series", "status"]
    # Newest first through the primary key, not a sort of every entry.
    ordering = ["-pk"]
    search_fields = ["candidate__candidate_number", "candidate__surname", "syllabus__code"]
    list_select_related = ["candidate__series", "syllabus"]
    raw_id_fields = ["candidate", "submission"]
    readonly_fields = ["status"]

    # Entries are withdrawn, never deleted: their history is the centre's record.
    may_delete = False

    def save_model(self, request, obj, form, change):
        # The centre kept on the row is the candidate's, whoever the candidate now is.
        obj.centre_id = obj.candidate.centre_id
        super().save_model(request, obj, form, change)
        before = form.initial.get("candidate")
        if change and "candidate" in form.changed_data and before:
            # The figures of the candidate the entry was moved from change too (those of the
            # candidate it went to changed as it was saved).
            moved_from = Candidate.objects.get(pk=before)
            entries_changed(moved_from.centre_id, moved_from.series_id)


@admin.register(EntrySubmission)
class EntrySubmissionAdmin(CaseQueueAdmin):
    list_display = [
        "case_link",
        "due",
        "status",
        "centre",
        "series",
        "entry_count",
        "by_deadline",
        "created_at",
    ]
    list_filter = ["status", DueFilter, "series", "by_deadline"]
    list_select_related = ["centre", "series"]
    search_fields = ["reference", "centre__number", "centre__name"]
    readonly_fields = [
        "reference",
        "status",
        "centre",
        "series",
        "submitted_by",
        "entry_count",
        "by_deadline",
        "created_at",
    ]
    fields = readonly_fields
    bulk_moves = {
        "confirm": (
            services.confirm_submission,
            "Confirm the selected entries submissions",
            "submissions confirmed",
        )
    }


@admin.register(PaperDespatch)
class PaperDespatchAdmin(CaseQueueAdmin):
    """Centres whose entries arrived by the deadline, with the papers due to reach them at
    least ten days before each exam: next due first."""

    list_display = [
        "reference",
        "due",
        "status",
        "centre",
        "paper",
        "exam_date",
        "entry_count",
    ]
    list_filter = ["status", DueFilter, "series"]
    list_select_related = ["centre", "paper__component__syllabus"]
    search_fields = ["reference", "centre__number", "paper__component__syllabus__code"]
    readonly_fields = ["reference", "status", "centre", "series", "paper", "entry_count"]
    fields = readonly_fields
    bulk_moves = {
        "despatch": (
            services.despatch_papers,
            "Record the selected papers as despatched",
            "despatches recorded",
        )
    }

    @admin.display(description="exam", ordering="paper__date")
    def exam_date(self, despatch):
        return f"{despatch.paper.date:%d %b %Y} {despatch.paper.get_session_display()}"


@admin.register(TimetableComment)
class TimetableCommentAdmin(Declared, admin.ModelAdmin):
    list_display = ["created_at", "series", "centre", "paper", "body"]
    list_filter = ["series"]
    search_fields = ["centre__number", "body"]
    list_select_related = ["series", "centre", "paper__component__syllabus"]
    readonly_fields = ["series", "centre", "paper", "body", "written_by", "created_at"]

    may_add = False
    may_delete = False
