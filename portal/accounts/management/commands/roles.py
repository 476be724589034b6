"""``manage.py roles``: who may do what, read from the one place it is declared.

For each staff role: the permissions every app's ``roles.py`` gives it, and the moves of
each case type (its ``MOVES`` table) those permissions allow; then the moves an exams officer
makes on their own centre's cases and those a case's owner makes. ``--role`` prints one.
"""

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.accounts.roles import ROLES


def moves_by_permission() -> dict[str, list[str]]:
    """``{permission: ["app_label.Model: move", ...]}`` over every model with a life cycle."""
    found: dict[str, list[str]] = {}
    for model in apps.get_models():
        for move in getattr(model, "MOVES", ()):
            if move.permission:
                label = f"{model._meta.label}: {move.name}"
                if label not in found.setdefault(move.permission, []):
                    found[move.permission].append(label)
    return found


def moves_of_people() -> dict[str, list[str]]:
    """The moves made by people who are not staff: officers of the case's centre, owners."""
    people: dict[str, list[str]] = {"Exams officer (own centre)": [], "Owner of the case": []}
    for model in apps.get_models():
        for move in getattr(model, "MOVES", ()):
            label = f"{model._meta.label}: {move.name}"
            for held, who in (
                (move.centre, "Exams officer (own centre)"),
                (move.owner, "Owner of the case"),
            ):
                if held and label not in people[who]:
                    people[who].append(label)
    return people


class Command(BaseCommand):
    help = "Print each staff role's permissions and the case moves it may make."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", help="Only this role (its name as in the admin).")

    def handle(self, *args: Any, role: str | None = None, **options: Any) -> None:
        if role is not None and role not in ROLES:
            raise CommandError(f"No role is called {role!r}. Roles: {', '.join(ROLES)}.")
        by_permission = moves_by_permission()
        for name, permissions in ROLES.items():
            if role is not None and name != role:
                continue
            self.stdout.write(self.style.MIGRATE_HEADING(name))
            self.stdout.write("  Permissions:")
            for permission in sorted(permissions):
                self.stdout.write(f"    {permission}")
            moves = sorted({m for p in permissions for m in by_permission.get(p, [])})
            self.stdout.write("  Moves:" if moves else "  Moves: none")
            for label in moves:
                self.stdout.write(f"    {label}")
        if role is None:
            for who, moves in moves_of_people().items():
                self.stdout.write(self.style.MIGRATE_HEADING(who))
                for label in sorted(moves):
                    self.stdout.write(f"    {label}")
