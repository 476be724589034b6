from django.contrib import admin

from registration import services
from registration.models import QualityStandard, StandardSet


@admin.register(StandardSet)
class StandardSetAdmin(admin.ModelAdmin):
    list_display = ["year", "published"]
    list_filter = ["published"]

    def get_readonly_fields(self, request, obj=None):
        # Unpublishing would open the way to deleting standards schools were assessed against.
        if obj is not None and obj.published:
            return ["year", "published"]
        return []

    def has_delete_permission(self, request, obj=None):
        # Schools have been assessed against a published set: it stays.
        if obj is not None and obj.published:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(QualityStandard)
class QualityStandardAdmin(admin.ModelAdmin):
    """The registration team keeps the standards. A published standard's text can be
    corrected (each change is recorded); what identifies it cannot change, and it cannot be
    deleted, because assessments refer to it by its set and code."""

    list_display = ["code", "area", "online_only", "standard_set"]
    list_filter = ["standard_set", "area", "online_only"]
    search_fields = ["code", "text"]
    list_select_related = ["standard_set"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.standard_set.published:
            return ["standard_set", "code", "area", "number"]
        return []

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.standard_set.published:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        services.save_standard(
            obj,
            by=request.user,
            changed=form.changed_data if change else [],
            previous_text=form.initial.get("text", ""),
        )
