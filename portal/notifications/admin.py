from django.contrib import admin

from portal.admin_rules import Declared
from portal.changelists import choices_filter, recent_filter
from portal.notifications.kinds import kind_choices
from portal.notifications.models import Email, Notification
from portal.sla.admin import codes

# Millions of rows: filters whose links are known without reading the table, and "how
# recent" ranges that the index on created_at serves, instead of a date drill-down.
KIND = choices_filter("kind", title="kind", choices=kind_choices)
RECENT = recent_filter("created_at", title="created")


@admin.register(Notification)
class NotificationAdmin(Declared, admin.ModelAdmin):
    list_display = ["created_at", "user", "kind", "reference", "code", "read_at", "emailed_at"]
    list_filter = [RECENT, KIND, choices_filter("code", title="service level", choices=codes)]
    search_fields = ["reference", "user__username", "code"]
    list_select_related = ["user"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    # Notices come from events in the portal, never typed in by hand.
    may_add = False


@admin.register(Email)
class EmailAdmin(Declared, admin.ModelAdmin):
    list_display = ["created_at", "address", "kind", "key", "state", "attempts", "sent_at"]
    list_filter = [RECENT, "state", KIND]
    search_fields = ["address", "key"]
    readonly_fields = [f.name for f in Email._meta.fields]

    may_add = False
