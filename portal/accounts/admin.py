from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from portal.accounts.models import ApiToken, User
from portal.admin_rules import Declared, RowCheckbox
from portal.centres.models import Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["centre"]


@admin.register(User)
class PortalUserAdmin(RowCheckbox, UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", "groups"]
    fieldsets = [
        *UserAdmin.fieldsets,
        ("Preferences", {"fields": ["time_zone"]}),
    ]


@admin.register(ApiToken)
class ApiTokenAdmin(Declared, admin.ModelAdmin):
    """Staff may see and revoke anyone's tokens (a lost laptop); tokens are issued only by
    signing in, so none can be added or changed here."""

    list_display = ["device_name", "user", "created", "last_used_at", "expiry", "two_factor"]
    list_filter = ["two_factor"]
    search_fields = ["user__username", "device_name"]
    list_select_related = ["user"]
    fields = ["user", "device_name", "created", "last_used_at", "expiry", "two_factor"]
    readonly_fields = fields

    may_add = False
    may_change = False
