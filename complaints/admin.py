"""The staff queue: every case in one list, what is next due first, late ones marked."""

from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.utils.html import format_html

from complaints import services
from complaints.models import Complaint, ContactRestriction, Message
from portal.accounts.models import User
from portal.admin_rules import Declared
from portal.cases.admin import CaseQueueAdmin, DueFilter
from portal.changelists import choices_filter
from portal.uploads.models import Attachment


class MessageInline(Declared, admin.TabularInline):
    model = Message
    extra = 0
    fields = ["created_at", "kind", "from_staff", "author", "body"]
    readonly_fields = fields
    can_delete = False

    may_add = False


class AttachmentInline(Declared, GenericTabularInline):
    model = Attachment
    ct_field = "case_type"
    ct_fk_field = "case_id"
    extra = 0
    fields = ["link", "content_type", "size", "sha256", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    may_add = False

    @admin.display(description="file")
    def link(self, attachment):
        return format_html('<a href="{}">{}</a>', attachment.get_absolute_url(), attachment)


def staff_names():
    return User.objects.filter(is_staff=True).order_by("username").values_list("pk", "username")


# A link per member of staff, read from the users, not from every complaint.
StaffFilter = choices_filter("assigned_to", title="assigned to", choices=staff_names)


@admin.register(Complaint)
class ComplaintAdmin(CaseQueueAdmin):
    list_display = [
        "case_link",
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
        StaffFilter,
        "category",
        "kind",
        "route",
        "root_cause",
    ]
    list_select_related = ["centre", "assigned_to"]
    search_fields = ["reference", "subject", "contact_email", "centre__number", "centre__name"]
    bulk_moves = {
        "acknowledge": (
            services.acknowledge_complaint,
            "Acknowledge the selected complaints",
            "acknowledged",
        ),
        "claim": (
            services.claim_complaint,
            "Investigate the selected complaints myself",
            "claimed",
        ),
    }
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

    def save_model(self, request, obj, form, change):
        services.analyse_complaint(
            obj,
            by=request.user,
            root_cause=form.cleaned_data["root_cause"],
            improvement_action=form.cleaned_data["improvement_action"],
        )


@admin.register(ContactRestriction)
class ContactRestrictionAdmin(Declared, admin.ModelAdmin):
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

    may_delete = False

    @admin.action(description="Lift the selected restrictions", permissions=["change"])
    def lift_selected(self, request, queryset):
        for restriction in queryset:
            services.lift_restriction(restriction, by=request.user)
        self.message_user(request, "Lifted.", messages.SUCCESS)
