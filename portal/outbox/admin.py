from django.contrib import admin, messages
from django.db.models import Q

from portal.admin_rules import Declared
from portal.changelists import recent_filter
from portal.outbox import services
from portal.outbox.models import PENDING, QueuedTask

STATES = {
    "queued": PENDING & Q(published_at__isnull=True),
    "published": PENDING & Q(published_at__isnull=False),
    "ran": Q(ran_at__isnull=False),
    "failed": Q(failed_at__isnull=False),
}


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [(state, state.capitalize()) for state in STATES]

    def queryset(self, request, queryset):
        if self.value() in STATES:
            return queryset.filter(STATES[self.value()])
        return queryset


@admin.register(QueuedTask)
class QueuedTaskAdmin(Declared, admin.ModelAdmin):
    list_display = ["task", "state", "queued_at", "published_at", "ran_at", "attempts"]
    # The task by the search box: a filter of its values would read every row to find them.
    list_filter = [StateFilter, recent_filter("queued_at", title="queued")]
    search_fields = ["task", "last_error"]
    readonly_fields = [f.name for f in QueuedTask._meta.fields]
    actions = ["requeue"]

    # Rows are written by the services that queue work, in their own transactions.
    may_add = False
    may_delete = False

    @admin.action(description="Try the selected given-up tasks again", permissions=["change"])
    def requeue(self, request, queryset):
        count = services.requeue_failed(queryset)
        self.message_user(request, f"{count} given-up tasks queued again.", messages.SUCCESS)
