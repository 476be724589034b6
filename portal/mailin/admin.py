from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html

from portal.admin_rules import Declared
from portal.changelists import recent_filter
from portal.mailin.models import InboundEmail
from portal.mailin.services import process_message


@admin.register(InboundEmail)
class InboundEmailAdmin(Declared, admin.ModelAdmin):  # type: ignore[type-arg]  # runtime: not generic
    list_display = ["received_at", "sender", "subject", "status", "case_reference", "size"]
    list_filter = ["status", "source", recent_filter("received_at", title="received")]
    search_fields = ["sender", "subject", "case_reference", "message_id"]
    readonly_fields = [
        *(f.name for f in InboundEmail._meta.fields if f.name != "raw"),
        "raw_message",
    ]
    exclude = ["raw"]
    actions = ["release"]

    # Rows are what came in: written by receive_email and the IMAP fetch only.
    may_add = False
    may_delete = False

    @admin.display(description="Raw message")
    def raw_message(self, obj: InboundEmail) -> str:
        if obj.pk is None:
            return "-"
        url = reverse("admin:mailin_inboundemail_raw", args=[obj.pk])
        kept = "the start kept" if obj.truncated else "whole"
        return format_html('<a href="{}">Download the message (.eml, {})</a>', url, kept)

    def get_urls(self) -> list[Any]:
        raw = self.admin_site.admin_view(self.raw_view)
        return [
            path("<int:pk>/raw/", raw, name="mailin_inboundemail_raw"),
            *super().get_urls(),
        ]

    def raw_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        inbound = InboundEmail.objects.filter(pk=pk).first()
        if inbound is None:
            return HttpResponse(status=404)
        # Never rendered by the browser: a download, its type not sniffed.
        response = HttpResponse(inbound.raw_bytes(), content_type="application/octet-stream")
        response["Content-Disposition"] = f'attachment; filename="email-{inbound.pk}.eml"'
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @admin.action(
        description="Process the selected held or failed emails again (holds set aside)",
        permissions=["change"],
    )
    def release(self, request: HttpRequest, queryset: QuerySet[InboundEmail]) -> None:
        done = 0
        for inbound in queryset.filter(
            status__in=[InboundEmail.Status.HELD, InboundEmail.Status.FAILED]
        ):
            process_message(inbound, release=True)
            done += 1
        self.message_user(request, f"{done} emails processed again.", messages.SUCCESS)
