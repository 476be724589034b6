"""The staff queue of every case type in the admin: next due first, late ones marked, the due
filter, each row opening the case page where its actions are, and bulk moves offered only to
the roles that may make them."""

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.html import format_html

from portal.admin_rules import Declared
from portal.calendar import LONDON
from portal.cases.models import DUE_WINDOWS, next_due_first
from portal.changelists import choices_filter
from portal.errors import PortalError
from portal.sla.models import due_window
from portal.workflow import may


class DueFilter(admin.SimpleListFilter):
    title = "due"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return list(DUE_WINDOWS.items())

    def queryset(self, request, queryset):
        if self.value() in DUE_WINDOWS:
            return queryset.due_within(self.value())
        return queryset


class CaseQueueAdmin(Declared, admin.ModelAdmin):
    """Declare ``list_display`` with ``"case_link"`` and ``"due"`` where they should stand,
    and ``bulk_moves = {move: (service, description, done)}``: the admin action
    ``<move>_selected`` calls ``service(case, by=user)`` for every selected case the user may
    move and reports "N <done>."."""

    bulk_moves: dict = {}
    list_display_links = None
    # True: the record page shows every field read-only, because everything changes through
    # the case page's moves (and so through the services); ``extra_readonly`` adds the
    # admin's own computed fields to them.
    all_read_only = False
    extra_readonly: list[str] = []

    def get_readonly_fields(self, request, obj=None):
        if self.all_read_only:
            return [f.name for f in self.model._meta.fields] + list(self.extra_readonly)
        return super().get_readonly_fields(request, obj)

    def get_list_filter(self, request):
        # A case type passed from team to team: each team's cases, the teams known without
        # reading the table.
        queue = self.model.QUEUE
        declared = super().get_list_filter(request)
        if queue is None or queue.field in declared:
            return declared
        title = self.model._meta.get_field(queue.field).verbose_name
        teams = choices_filter(queue.field, title=title, choices=lambda: queue.choices)
        return [*declared, teams]

    def get_ordering(self, request):
        return [next_due_first(), "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).in_queue_of(request.user)

    # Cases are opened through their services (references, clocks, notices), never typed in.
    may_add = False
    # A case is never lost: it is closed, withdrawn or declined through its life cycle.
    may_delete = False

    @admin.display(description="reference", ordering="reference")
    def case_link(self, case):
        # The case page holds the actions; the admin's record page only the analysis.
        return format_html('<a href="{}">{}</a>', case.get_absolute_url(), case.reference)

    @admin.display(description="next due", ordering="next_due")
    def due(self, case):
        if case.next_due is None:
            return "–"
        text = f"{timezone.localtime(case.next_due, LONDON):%d %b %H:%M}"
        window = due_window(case.next_due, timezone.now())
        if window == "overdue":
            return format_html('<strong class="tag tag-overdue">Overdue</strong> {}', text)
        if window == "today":
            return format_html('<strong class="tag tag-running">Today</strong> {}', text)
        return text

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        if action_location != ActionLocation.CHANGE_LIST:
            return actions
        for name, (service, description, done) in self.bulk_moves.items():
            if self._role_may(request.user, name):
                key = f"{name}_selected"
                actions[key] = (self._bulk(name, service, done), key, description)
        return actions

    def _role_may(self, user, name: str) -> bool:
        permissions = {m.permission for m in self.model.MOVES.named(name) if m.permission}
        return any(user.has_perm(p) for p in permissions)

    def _bulk(self, name, service, done):
        # A case already where the move leads is a quiet repeat: counted apart, not as moved.
        targets = {m.target for m in self.model.MOVES.named(name)} - {None}

        def run(modeladmin, request, queryset):
            moved, already, refused = 0, [], []
            for case in queryset:
                if not may(request.user, case, name):
                    refused.append(f"{case.reference}: your role does not allow this.")
                    continue
                was = case.status
                try:
                    service(case, by=request.user)
                except (PortalError, PermissionDenied) as error:
                    refused.append(f"{case.reference}: {getattr(error, 'message', error)}")
                    continue
                if was in targets:
                    already.append(case.reference)
                else:
                    moved += 1
            if moved:
                self.message_user(request, f"{moved} {done}.", messages.SUCCESS)
            if already:
                self.message_user(request, f"Already {done}: {', '.join(already)}.", messages.INFO)
            for line in refused:
                self.message_user(request, line, messages.WARNING)

        run.__name__ = f"{name}_selected"
        return run
