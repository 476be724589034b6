"""The registration team's queue of centre applications, and the fees they keep."""

from django.contrib import admin

from centres.registration.applications import ApplicationFee, CentreApplication, country_choices
from portal.admin_rules import RowCheckbox
from portal.cases.admin import CaseQueueAdmin, DueFilter
from portal.changelists import choices_filter

# The countries from the list applicants choose from, not from every application.
COUNTRY = choices_filter("country", title="country", choices=country_choices)


class ConfirmedFilter(admin.SimpleListFilter):
    """Applications whose email address is not confirmed yet are nobody's work: hidden
    unless asked for."""

    title = "email confirmed"
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("all", "All, with the unconfirmed")]

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset
        return queryset.exclude(status=CentreApplication.Status.UNCONFIRMED)


@admin.register(CentreApplication)
class CentreApplicationAdmin(CaseQueueAdmin):
    list_display = [
        "case_link",
        "due",
        "status",
        "school_name",
        "country",
        "teaches_online",
        "visit_date",
        "visitor",
        "centre",
        "created_at",
    ]
    list_filter = ["status", DueFilter, ConfirmedFilter, COUNTRY, "teaches_online"]
    list_select_related = ["centre", "visitor"]
    search_fields = ["reference", "school_name", "contact_email", "centre__number"]
    fields = [
        "reference",
        "status",
        "centre",
        "applicant",
        "created_at",
        *CentreApplication.INTEREST_FIELDS,
        *CentreApplication.SCHOOL_FIELDS,
        "fee_currency",
        "fee_amount",
        "submitted_at",
        "visit_date",
        "visit_mode",
        "visitor",
        "decided_at",
    ]
    # Everything changes through the case page's moves (references, clocks, notices).
    readonly_fields = fields


@admin.register(ApplicationFee)
class ApplicationFeeAdmin(RowCheckbox, admin.ModelAdmin):
    """A fee per country; the row without a country is the default."""

    list_display = ["__str__", "country", "currency", "amount"]
    search_fields = ["country"]
