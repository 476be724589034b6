from django.contrib import admin

from centres.registration import services
from centres.registration.models import QualityStandard, StandardSet
from portal.admin_rules import RowCheckbox


@admin.register(StandardSet)
class StandardSetAdmin(RowCheckbox, admin.ModelAdmin):
    list_display = ["year", "published"]
    list_filter = ["published"]

    def get_readonly_fields(self, request, obj=None):
        return ["year", "published"] if obj is not None and obj.fixed else []

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.fixed:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        services.save_standard_set(obj, by=request.user, changed=form.changed_data)


@admin.register(QualityStandard)
class QualityStandardAdmin(RowCheckbox, admin.ModelAdmin):
    """The registration team keeps the standards. A published standard's text can be
    corrected (each change is recorded); what identifies it cannot change, and it cannot be
    deleted, because assessments refer to it by its set and code."""

    list_display = ["code", "area", "online_only", "standard_set"]
    list_filter = ["standard_set", "area", "online_only"]
    search_fields = ["code", "text"]
    list_select_related = ["standard_set"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.standard_set.fixed:
            return ["standard_set", "code", "area", "number"]
        return []

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.standard_set.fixed:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        services.save_standard(
            obj,
            by=request.user,
            changed=form.changed_data if change else [],
            previous={name: form.initial.get(name) for name in form.changed_data},
        )


# --- Centre applications (registration/admin_applications.py) ------------------------------
from centres.registration import admin_applications  # noqa: E402, F401 - registers the queue and fees

# Requests to offer additional programmes (registration.programmes).
from centres.registration.programmes import admin as programmes_admin  # noqa: E402, F401
