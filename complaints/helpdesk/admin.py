"""The queue of queries: customer services see every query; a specialist team sees those
referred to it (next due first, late ones marked; each row opens the query's page)."""

from django.contrib import admin

from complaints.helpdesk.models import HelpAnswer, Query
from portal.admin_rules import RowCheckbox
from portal.cases.admin import CaseQueueAdmin, DueFilter


@admin.register(Query)
class QueryAdmin(CaseQueueAdmin):
    list_display = ["case_link", "due", "status", "centre", "subject", "referred_to", "created_at"]
    list_filter = ["status", DueFilter]
    list_select_related = ["centre"]
    search_fields = ["reference", "centre__number", "subject", "contact_email"]
    # Everything changes through the query's page (and so through the services).
    all_read_only = True


@admin.register(HelpAnswer)
class HelpAnswerAdmin(RowCheckbox, admin.ModelAdmin):
    """The help centre's answers, kept by customer services: only published ones show."""

    list_display = ["question", "topic", "published", "updated_at"]
    list_filter = ["published", "topic"]
    search_fields = ["question", "answer"]
    list_editable = ["published"]
    list_display_links = ["question"]
