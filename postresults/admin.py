"""The results team's queue of post-results service requests: next due first; each row
opens the request's page, where it is despatched, sent or declined."""

from django.contrib import admin

from portal.cases.admin import CaseQueueAdmin, DueFilter
from postresults.models import ServiceRequest


@admin.register(ServiceRequest)
class ServiceRequestAdmin(CaseQueueAdmin):
    list_display = [
        "case_link",
        "due",
        "status",
        "service",
        "centre",
        "series",
        "candidate_name",
        "created_at",
    ]
    list_filter = ["status", "service", DueFilter, ("series", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["centre", "series"]
    search_fields = ["reference", "centre__number", "candidate_name", "candidate_number", "uci"]
    fields = [
        "reference",
        "status",
        "service",
        "centre",
        "series",
        "candidate_name",
        "candidate_number",
        "centre_number",
        "uci",
        "date_of_birth",
        "contact_email",
        "delivery_address",
        "recipient_name",
        "recipient_email",
        "details",
        "requested_by",
        "created_at",
        "despatched_at",
        "handled_by",
        "decline_reason",
    ]
    # Every change goes through the request's page (its services): nothing is typed in here.
    readonly_fields = fields
