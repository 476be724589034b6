"""The results team's queue of enquiries (next due first, late ones marked; each row opens
the case page, where the outcome is sent) and the fees and deadlines per series."""

from django.contrib import admin

from portal.admin_rules import RowCheckbox
from portal.cases.admin import CaseQueueAdmin, DueFilter
from results.enquiries import services
from results.enquiries.models import Enquiry, ServiceTerms


@admin.register(Enquiry)
class EnquiryAdmin(CaseQueueAdmin):
    list_display = [
        "case_link",
        "due",
        "status",
        "service",
        "centre",
        "series",
        "syllabus",
        "candidate",
        "grade_before",
        "grade_after",
        "fee_waived",
        "created_at",
    ]
    list_filter = [
        "status",
        DueFilter,
        "service",
        "fee_waived",
        "series",
    ]
    list_select_related = ["centre", "series", "syllabus", "candidate"]
    search_fields = ["reference", "centre__number", "candidate__candidate_number", "syllabus__code"]
    bulk_moves = {
        "acknowledge": (
            services.acknowledge_enquiry,
            "Confirm receipt of the selected enquiries",
            "acknowledged",
        ),
    }
    all_read_only = True


@admin.register(ServiceTerms)
class ServiceTermsAdmin(RowCheckbox, admin.ModelAdmin):
    list_display = ["series", "service", "fee", "currency", "closes_at"]
    list_filter = ["service", "series"]
    ordering = ["-series__results_release_at", "service"]
