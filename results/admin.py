"""The results team's staff area: results with their history, QA holds, release dates
(announced through the service, with a reason when short of six months) and results files
loaded with their progress."""

from django import forms
from django.contrib import admin
from django.utils import timezone

from portal.admin_rules import Declared, ReadOnly
from portal.calendar import LONDON, local_time
from portal.errors import PortalError
from results import imports, release
from results.models import QaHold, ReleaseDate, Result, ResultChange, ResultImport


class ResultChangeInline(Declared, admin.TabularInline):
    model = ResultChange
    extra = 0
    fields = ["at", "by", "from_status", "from_grade", "to_status", "to_grade", "reason"]
    readonly_fields = fields
    can_delete = False

    may_add = False


@admin.register(Result)
class ResultAdmin(ReadOnly):
    """Results are changed by their moves (the API's withhold, issue, change-grade), which
    keep the history and tell the centre; here they are read."""

    list_display = ["candidate", "centre", "series", "syllabus", "grade", "status", "amended_at"]
    list_filter = ["series", "status", "syllabus"]
    # Newest first through the primary key: the model's own order joins candidates and
    # syllabuses and sorts every result of the table.
    ordering = ["-pk"]
    search_fields = ["centre__number", "candidate__candidate_number", "candidate__surname"]
    list_select_related = ["candidate", "centre", "series", "syllabus"]
    readonly_fields = [
        "series", "centre", "candidate", "syllabus", "status", "grade", "component_marks",
        "created_at", "amended_at",
    ]  # fmt: skip
    inlines = [ResultChangeInline]


@admin.register(QaHold)
class QaHoldAdmin(ReadOnly):
    list_display = ["centre", "series", "syllabus", "reference", "created_at", "released_at"]
    list_filter = ["series", ("released_at", admin.EmptyFieldListFilter), "outcome"]
    list_select_related = ["centre", "series", "syllabus"]
    search_fields = ["centre__number", "syllabus__code", "reference"]


class ReleaseDateForm(forms.ModelForm):
    release_at = forms.DateTimeField(
        label="Results released at (London time)",
        help_text="e.g. 2027-08-10 06:00. Centres see it in their own time zone.",
    )

    class Meta:
        model = ReleaseDate
        fields = ["series", "release_at", "reason"]

    def clean_release_at(self):
        value = self.cleaned_data["release_at"]
        return value.replace(tzinfo=LONDON) if value.tzinfo is None else value

    def clean(self):
        data = super().clean()
        if data.get("series") and data.get("release_at"):
            try:
                release.check_release_date(
                    data["series"], release_at=data["release_at"], reason=data.get("reason", "")
                )
            except PortalError as error:
                error.onto(self)
        return data


@admin.register(ReleaseDate)
class ReleaseDateAdmin(Declared, admin.ModelAdmin):
    """Announcing a release date: the latest announcement of a series is its date; short
    notice (under six months) needs a reason and is marked."""

    form = ReleaseDateForm
    list_display = ["series", "release", "announced_at", "announced_by", "short_notice"]
    list_filter = ["short_notice", "series"]
    list_select_related = ["series", "announced_by"]

    @admin.display(description="release (London)")
    def release(self, row):
        return local_time(row.release_at, LONDON)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    may_delete = False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["series", "release_at", "previous_release_at", "announced_at",
                    "announced_by", "reason", "short_notice"]  # fmt: skip
        return []

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj) or ["series", "release_at", "reason"]

    def save_model(self, request, obj, form, change):
        saved = release.announce_release_date(
            obj.series, release_at=obj.release_at, by=request.user, reason=obj.reason
        )
        obj.pk = saved.pk


class ResultImportForm(forms.ModelForm):
    class Meta:
        model = ResultImport
        fields = ["series", "file"]
        help_texts = {
            "file": "CSV with the header centre,candidate_number,syllabus_code,grade "
            "(optionally component_XX mark columns). Grade Q is pending, X no result. "
            "Every line is loaded, or none.",
        }


@admin.register(ResultImport)
class ResultImportAdmin(Declared, admin.ModelAdmin):
    """Loading a results file: the file is kept and read by a task; its page shows how far
    it has got, then what was loaded or every error by line."""

    form = ResultImportForm
    list_display = ["filename", "series", "state", "rows", "created", "updated", "created_at"]
    list_filter = ["state", "series"]
    change_form_template = "admin/results/resultimport/change_form.html"

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["series", "file"]
        return ["series", "filename", "state", "progress", "rows", "created", "updated",
                "line_errors", "created_by", "created_at", "finished_at"]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    may_delete = False

    @admin.display(description="progress")
    def progress(self, job):
        if job.state == ResultImport.State.DONE:
            return "All lines loaded."
        if job.state == ResultImport.State.FAILED:
            return "Nothing loaded: see the errors."
        done = imports.progress_of(job)
        return f"{done:,} lines saved so far" if done else "Waiting to start…"

    @admin.display(description="errors by line")
    def line_errors(self, job):
        return "\n".join(f"Line {e['line']}: {e['message']}" for e in job.errors) or "–"

    def save_model(self, request, obj, form, change):
        if change:
            return
        job = imports.start_import(series=obj.series, file=obj.file, by=request.user)
        obj.pk = job.pk

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        obj = context.get("original")
        context["refresh"] = obj is not None and obj.state in (
            ResultImport.State.QUEUED,
            ResultImport.State.RUNNING,
        )
        context["now"] = timezone.now()
        return super().render_change_form(request, context, add, change, **kwargs)
