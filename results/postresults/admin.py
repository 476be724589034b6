"""The results team's queues of post-results service requests and of certificate despatches:
next due first; each row opens the case's page, where it is despatched, sent, declined or
held."""

from django.contrib import admin

from portal.cases.admin import CaseQueueAdmin, DueFilter
from results.postresults.models import CertificateDespatch, ServiceRequest


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
    list_filter = ["status", "service", DueFilter, "series"]
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


@admin.register(CertificateDespatch)
class CertificateDespatchAdmin(CaseQueueAdmin):
    list_display = [
        "case_link",
        "due",
        "status",
        "centre",
        "series",
        "candidates_covered",
        "candidates_held",
        "despatched_on",
        "created_at",
    ]
    list_filter = ["status", DueFilter, "series"]
    list_select_related = ["centre", "series"]
    search_fields = ["reference", "centre__number", "centre__name", "tracking_reference"]
    fields = [
        "reference",
        "status",
        "centre",
        "series",
        "candidates_covered",
        "candidates_held",
        "counted_at",
        "created_at",
        "hold_reason",
        "courier",
        "tracking_reference",
        "despatched_on",
        "despatched_at",
        "handled_by",
    ]
    # Every change goes through the case's page (its services): nothing is typed in here.
    readonly_fields = fields
