"""What staff may do to a model's rows in the admin, declared on its ``ModelAdmin`` or inline
rather than written as methods.

Most of the portal's records are made and changed by their services, never typed in: a case
by its moves, a result by its import, a notice by ``notify``, a clock by its sweep. Their
admin shows them (and the staff queues act through the case pages), so it declares what it
refuses, whatever a person's permissions::

    @admin.register(Grade)
    class GradeAdmin(Declared, admin.ModelAdmin):
        may_add = may_change = may_delete = False

``ReadOnly`` and ``ReadOnlyInline`` are the usual cases: looked at, never added, changed or
deleted there. What is allowed is still what the person's permissions allow.
"""

from typing import Any

from django.contrib import admin
from django.contrib.admin import helpers
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _


class RowCheckbox:
    """A ``ModelAdmin`` mixin: each changelist row's checkbox for actions, written as
    Django's own widget writes it (tests/portal/test_admin_rules.py compares the two) but
    without rendering the widget's templates once per row, which took a fifth to a third of
    a 50-row changelist's time."""

    def action_checkbox(self, obj: Any) -> SafeString:
        label = format_html(_("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )


class Declared(RowCheckbox):
    """A mixin for a ``ModelAdmin`` or an inline: ``may_add``, ``may_change``,
    ``may_delete`` (False: never in the admin; True: as the person's permissions say)."""

    may_add = True
    may_change = True
    may_delete = True

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.may_add and bool(super().has_add_permission(request, *args))  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may_change and bool(super().has_change_permission(request, obj))  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may_delete and bool(super().has_delete_permission(request, obj))  # type: ignore[misc]


class ReadOnly(Declared, admin.ModelAdmin):  # type: ignore[type-arg]
    """Records kept by their services: staff with the view permission read them."""

    may_add = may_change = may_delete = False


class ReadOnlyInline(Declared, admin.TabularInline):  # type: ignore[type-arg]
    """The rows of a record's history on its page, as they were written."""

    may_add = may_change = may_delete = False
    extra = 0
