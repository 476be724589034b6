from django.contrib import admin

from portal.notifications.models import Email, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "kind", "reference", "code", "read_at", "emailed_at"]
    list_filter = ["kind", "code"]
    search_fields = ["reference", "user__username", "code"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        # Notices come from events in the portal, never typed in by hand.
        return False


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "address", "kind", "key", "state", "attempts", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["address", "key"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Email._meta.fields]

    def has_add_permission(self, request):
        return False
