"""The registration team's queue of requests to offer additional programmes: next due first;
each row opens the request's page, where it is granted or declined."""

from django.contrib import admin

from centres.registration.programmes.models import ProgrammeRequest
from portal.cases.admin import CaseQueueAdmin, DueFilter


@admin.register(ProgrammeRequest)
class ProgrammeRequestAdmin(CaseQueueAdmin):
    list_display = ["case_link", "due", "status", "centre", "asked_for", "created_at"]
    list_filter = ["status", DueFilter]
    list_select_related = ["centre"]
    search_fields = ["reference", "centre__number", "centre__name"]
    fields = [
        "reference",
        "status",
        "centre",
        "programmes",
        "reason",
        "requested_by",
        "created_at",
        "answer",
        "answered_by",
        "answered_at",
    ]
    # Every change goes through the request's page (its services): nothing is typed in here.
    readonly_fields = fields

    @admin.display(description="programmes")
    def asked_for(self, case):
        return ", ".join(case.programme_labels)
