from django.contrib import admin
from django.utils import timezone

from portal import audit
from portal.admin_rules import Declared, RowCheckbox
from portal.calendar.models import ClosureDay
from portal.changelists import choices_filter
from portal.sla import services
from portal.sla.models import Clock, Notice, ServiceLevel, due_today, overdue


@admin.register(ServiceLevel)
class ServiceLevelAdmin(Declared, admin.ModelAdmin):
    list_display = ["code", "name", "limit_description", "responsible", "charter", "active"]
    list_filter = ["charter", "active", "limit_unit", "responsible"]
    search_fields = ["code", "name", "case"]

    def save_model(self, request, obj, form, change):
        # Through the service, so that clocks are rescheduled and the change audited.
        if not change:
            super().save_model(request, obj, form, change)
            audit.record(obj, "create", by=request.user, summary=obj.code)
            return
        stored = ServiceLevel.objects.get(pk=obj.pk)
        changes = {name: getattr(obj, name) for name in form.changed_data}
        services.update_service_level(stored, by=request.user, **changes)

    # Clocks refer to their rule; a rule that no longer applies is made inactive.
    may_delete = False


@admin.register(ClosureDay)
class ClosureDayAdmin(RowCheckbox, admin.ModelAdmin):
    list_display = ["day", "reason"]
    date_hierarchy = "day"

    def save_model(self, request, obj, form, change):
        if change:
            stored = ClosureDay.objects.get(pk=obj.pk)
            services.change_closure_day(stored, day=obj.day, reason=obj.reason, by=request.user)
        else:
            saved = services.add_closure_day(day=obj.day, reason=obj.reason, by=request.user)
            obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.remove_closure_day(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for closure in queryset:
            services.remove_closure_day(closure, by=request.user)


class DueFilter(admin.SimpleListFilter):
    title = "due"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("today", "Due today (London)")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "overdue":
            # The same "overdue" as the home page and the dashboard: running past due, or
            # breached and still not done.
            return queryset.filter(overdue(now))
        if self.value() == "today":
            return queryset.filter(due_today(now))
        return queryset


class NoticeInline(Declared, admin.TabularInline):
    model = Notice
    extra = 0
    can_delete = False
    fields = ["kind", "round", "step", "state", "send_after", "sent_at", "attempts"]
    readonly_fields = fields

    may_add = False


def codes():
    return ServiceLevel.objects.order_by("code").values_list("code", "code")


@admin.register(Clock)
class ClockAdmin(Declared, admin.ModelAdmin):
    list_display = ["reference", "code", "centre", "state", "started_at", "due_at", "stopped_at"]
    # The centre by the search box, not a link per centre; the due windows instead of a
    # date drill-down that reads every clock to find its years and months.
    list_filter = ["state", DueFilter, choices_filter("code", title="service level", choices=codes)]
    search_fields = ["reference", "code", "centre__number"]
    list_select_related = ["centre"]
    readonly_fields = [f.name for f in Clock._meta.fields]
    inlines = [NoticeInline]

    # Clocks start and stop with their cases, through the services.
    may_add = False
    may_delete = False


@admin.register(Notice)
class NoticeAdmin(Declared, admin.ModelAdmin):
    list_display = ["clock", "kind", "round", "step", "state", "send_after", "sent_at"]
    list_filter = ["kind", "state"]
    search_fields = ["clock__reference"]
    list_select_related = ["clock"]
    readonly_fields = [f.name for f in Notice._meta.fields]

    may_add = False
