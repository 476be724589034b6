"""The staff queue: every case in one list, what is next due first, late ones marked."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html

from complaints import clocks, services
from complaints.models import Attachment, Complaint, ContactRestriction, Message
from portal.calendar import LONDON, london_date
from portal.errors import PortalError


class DueFilter(admin.SimpleListFilter):
    title = "due"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return list(clocks.DUE_WINDOWS.items())

    def queryset(self, request, queryset):
        if self.value() in clocks.DUE_WINDOWS:
            return clocks.due_within(queryset, self.value())
        return queryset


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = ["created_at", "kind", "from_staff", "author", "body"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["link", "content_type", "size", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="file")
    def link(self, attachment):
        return format_html('<a href="{}">{}</a>', attachment.get_absolute_url(), attachment)


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "due",
        "status",
        "kind",
        "category",
        "centre",
        "assigned_to",
        "subject",
        "created_at",
    ]
    list_filter = [
        "status",
        DueFilter,
        ("assigned_to", admin.RelatedOnlyFieldListFilter),
        ("centre", admin.RelatedOnlyFieldListFilter),
        "category",
        "kind",
        "route",
        "root_cause",
    ]
    list_select_related = ["centre", "assigned_to"]
    search_fields = ["reference", "subject", "contact_email", "centre__number", "centre__name"]
    actions = ["acknowledge_selected", "claim_selected"]
    inlines = [MessageInline, AttachmentInline]
    fields = [
        "reference",
        "status",
        "kind",
        "route",
        "route_reason",
        "held_reason",
        "centre",
        "submitter_type",
        "submitted_by",
        "contact_name",
        "contact_email",
        "created_at",
        *Complaint.SUBMISSION_FIELDS,
        "decided_by",
        *Complaint.OUTCOME_FIELDS,
        *Complaint.STAFF_FIELDS,
    ]
    # Status and everything the complainant wrote change only through the services; the
    # root cause and the improvement action are the analysis staff add.
    readonly_fields = [f for f in fields if f not in ("root_cause", "improvement_action")]

    def get_queryset(self, request):
        return clocks.with_next_due(super().get_queryset(request))

    def get_ordering(self, request):
        return [clocks.next_due_ordering(), "created_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # A complaint or a concern is never lost: it is closed, redirected or recorded.
        return False

    @admin.display(description="next due", ordering="next_due")
    def due(self, complaint):
        if complaint.next_due is None:
            return "–"
        when = timezone.localtime(complaint.next_due, LONDON)
        text = f"{when:%d %b %H:%M}"
        now = timezone.now()
        if complaint.next_due < now:
            return format_html('<strong class="tag tag-overdue">Overdue</strong> {}', text)
        if london_date(now) == when.date():
            return format_html('<strong class="tag tag-running">Today</strong> {}', text)
        return text

    def save_model(self, request, obj, form, change):
        services.analyse_complaint(
            obj,
            by=request.user,
            root_cause=form.cleaned_data["root_cause"],
            improvement_action=form.cleaned_data["improvement_action"],
        )

    def _each(self, request, queryset, run, done: str):
        moved, refused = 0, []
        for complaint in queryset:
            try:
                run(complaint)
                moved += 1
            except PortalError as error:
                refused.append(f"{complaint.reference}: {error.message}")
        if moved:
            self.message_user(request, f"{moved} {done}.", messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.WARNING)

    @admin.action(description="Acknowledge the selected complaints", permissions=["change"])
    def acknowledge_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda c: services.acknowledge_complaint(c, by=request.user),
            "acknowledged",
        )

    @admin.action(description="Investigate the selected complaints myself", permissions=["change"])
    def claim_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda c: services.claim_complaint(c, by=request.user),
            "claimed",
        )


@admin.register(ContactRestriction)
class ContactRestrictionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "criterion", "action", "decided_by", "decided_at", "lifted_at"]
    list_filter = ["criterion", "action", ("lifted_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "user__username"]
    fields = ["email", "user", "criterion", "action", "details", "complaint"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["complaint"]
    actions = ["lift_selected"]

    def get_readonly_fields(self, request, obj=None):
        # A decision already told to the person is not rewritten; it is lifted.
        return self.fields if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            return
        recorded = services.record_restriction(by=request.user, **form.cleaned_data)
        obj.pk = recorded.pk

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Lift the selected restrictions", permissions=["change"])
    def lift_selected(self, request, queryset):
        for restriction in queryset:
            services.lift_restriction(restriction, by=request.user)
        self.message_user(request, "Lifted.", messages.SUCCESS)
