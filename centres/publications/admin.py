"""The catalogue, and the queue of orders: next due first, late ones marked; customer
services record each despatch from the queue (or the order's page)."""

from django.contrib import admin

from centres.publications import services
from centres.publications.models import Publication, PublicationOrder
from portal.admin_rules import RowCheckbox
from portal.cases.admin import CaseQueueAdmin, DueFilter


@admin.register(Publication)
class PublicationAdmin(RowCheckbox, admin.ModelAdmin):
    list_display = ["title", "code", "in_stock", "listed"]
    list_filter = ["in_stock", "listed"]
    list_editable = ["in_stock", "listed"]
    list_display_links = ["title"]
    search_fields = ["title", "code"]


@admin.register(PublicationOrder)
class PublicationOrderAdmin(CaseQueueAdmin):
    list_display = [
        "case_link", "due", "status", "centre", "publication", "copies", "in_stock", "created_at"
    ]  # fmt: skip
    list_filter = ["status", DueFilter, "in_stock"]
    list_select_related = ["centre", "publication"]
    search_fields = ["reference", "centre__number", "publication__code", "publication__title"]
    bulk_moves = {
        "despatch": (
            services.despatch_order,
            "Record the despatch of the selected orders",
            "recorded as despatched",
        )
    }
    # Everything changes through the services (the despatch above, or the order's page).
    all_read_only = True
