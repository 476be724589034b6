from django.contrib import admin

from portal.centres.models import Centre, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Centre)
class CentreAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "country", "timezone", "status"]
    list_filter = ["status", "country"]
    search_fields = ["number", "name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "centre", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "centre__number", "centre__name"]
    list_select_related = ["user", "centre"]
    autocomplete_fields = ["user", "centre"]
