"""Learners with access, for the staff who answer their questions: read only (centres give
and withdraw access, which tells the learner)."""

from django.contrib import admin

from portal.admin_rules import ReadOnly
from results.learners.models import LearnerAccount


@admin.register(LearnerAccount)
class LearnerAccountAdmin(ReadOnly):
    list_display = ["uci", "centre", "email", "invited_at", "withdrawn_at"]
    list_filter = [("withdrawn_at", admin.EmptyFieldListFilter)]
    search_fields = ["=uci", "=centre__number", "email"]
    list_select_related = ["centre"]
    ordering = ["-pk"]
    readonly_fields = [
        "user", "centre", "uci", "email", "created_at", "created_by", "invited_at", "withdrawn_at",
    ]  # fmt: skip
