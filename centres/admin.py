from django.contrib import admin, messages

from centres import services
from portal.admin_rules import Declared, RowCheckbox
from portal.centres.models import Centre, Invitation, Membership
from portal.errors import PortalError


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Centre)
class CentreAdmin(RowCheckbox, admin.ModelAdmin):
    list_display = ["number", "name", "country", "timezone", "status"]
    # A centre's number starts with its country's code: the search box finds a country's
    # centres without a filter that reads every centre to list the countries.
    list_filter = ["status"]
    search_fields = ["number", "name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(RowCheckbox, admin.ModelAdmin):
    list_display = ["user", "centre", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "centre__number", "centre__name"]
    list_select_related = ["user", "centre"]
    autocomplete_fields = ["user", "centre"]


@admin.register(Invitation)
class InvitationAdmin(Declared, admin.ModelAdmin):
    """Invitations sent by centres: read only (they are made by the centres' officers), and
    withdrawn here by the registration team when an address should not join."""

    list_display = ["email", "centre", "role", "status", "invited_by", "created_at", "expires_at"]
    list_filter = ["status", "role"]
    search_fields = ["email", "centre__number", "centre__name"]
    list_select_related = ["centre", "invited_by"]
    fields = [
        "centre",
        "email",
        "role",
        "status",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_by",
        "answered_at",
    ]
    readonly_fields = fields
    actions = ["withdraw_selected"]

    may_add = False
    may_delete = False

    @admin.action(description="Withdraw the selected invitations", permissions=["change"])
    def withdraw_selected(self, request, queryset):
        withdrawn, refused = 0, []
        for invitation in queryset.select_related("centre"):
            try:
                services.withdraw_invitation(invitation, by=request.user)
                withdrawn += 1
            except PortalError as error:
                refused.append(f"{invitation.email}: {error.message}")
        if withdrawn:
            self.message_user(request, f"{withdrawn} withdrawn.", messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.WARNING)
