"""The results team's queue of enquiries (next due first, late ones marked; each row opens
the case page, where the outcome is sent) and the fees and deadlines per series."""

from django.contrib import admin

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

    # Everything changes through the case page's moves (and so through the services).
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(ServiceTerms)
class ServiceTermsAdmin(admin.ModelAdmin):
    list_display = ["series", "service", "fee", "currency", "closes_at"]
    list_filter = ["service", "series"]
    ordering = ["-series__results_release_at", "service"]
