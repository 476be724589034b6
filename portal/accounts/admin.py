from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from portal.accounts.models import User
from portal.centres.models import Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["centre"]


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", "groups"]
    fieldsets = [
        *UserAdmin.fieldsets,
        ("Preferences", {"fields": ["time_zone"]}),
    ]
