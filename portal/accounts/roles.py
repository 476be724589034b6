"""Staff roles of the awarding body, as groups with the permissions each role needs.

Who may do what is declared in one kind of place: a ``roles.py`` module in each app, whose
``PERMISSIONS`` table gives each role the permissions of that app's models by codename
(``app_label.codename``), with a comment saying why. This module names the roles, holds the
table of the shared layer's own models (``PERMISSIONS`` below), and gathers every app's
table into ``ROLES`` once, at start-up (``collect``); ``manage.py roles`` prints the result:
each role's permissions and the moves of every case type it may make.

After every migrate the groups are brought into line, so a role never lacks a permission
because its app arrived later. Codenames that do not exist yet are skipped quietly (their
app has not been migrated).
"""

import importlib
from collections.abc import Iterable
from typing import Any

from django.apps import AppConfig
from django.contrib.auth.models import Group, Permission
from django.utils.module_loading import module_has_submodule

CUSTOMER_SERVICES = "Customer services"
COMPLAINTS_INVESTIGATOR = "Complaints investigator"
DIRECTOR = "Director"
ASSESSMENT_SPECIALIST = "Assessment specialist"
ENTRIES_TEAM = "Entries team"
RESULTS_TEAM = "Results team"
REGISTRATION_TEAM = "Registration team"
# Investigates files the malware scan found infected: the only role that may fetch them.
SECURITY_TEAM = "Security team"


def crud(app_label: str, model: str) -> list[str]:
    """Every permission on ``app_label``'s ``model`` (its name in lower case)."""
    return [f"{app_label}.{action}_{model}" for action in ("view", "add", "change", "delete")]


def working(model: Any) -> list[str]:
    """What staff who work a case type's cases need: to see them and to move them."""
    return [
        f"{model._meta.app_label}.{action}_{model._meta.model_name}"
        for action in ("view", "change")
    ]


def _view(app_label: str, model: str) -> list[str]:
    return [f"{app_label}.view_{model}"]


# Every role, in the order pages list them.
ROLE_NAMES = [
    CUSTOMER_SERVICES,
    COMPLAINTS_INVESTIGATOR,
    DIRECTOR,
    ASSESSMENT_SPECIALIST,
    ENTRIES_TEAM,
    RESULTS_TEAM,
    REGISTRATION_TEAM,
    SECURITY_TEAM,
]
# The roles as choices (a form's, a serializer's).
ROLE_CHOICES = [(name, name) for name in ROLE_NAMES]
# A key of an app's table that gives its permissions to every role.
EVERY_ROLE = "*"

# The shared layer's own models: centres and their people, accounts.
PERMISSIONS: dict[str, list[str]] = {
    CUSTOMER_SERVICES: [*_view("centres", "centre"), *_view("centres", "membership")],
    COMPLAINTS_INVESTIGATOR: _view("centres", "centre"),
    DIRECTOR: _view("centres", "centre"),
    ASSESSMENT_SPECIALIST: _view("centres", "centre"),
    ENTRIES_TEAM: _view("centres", "centre"),
    RESULTS_TEAM: _view("centres", "centre"),
    REGISTRATION_TEAM: [
        *crud("centres", "centre"),
        *crud("centres", "membership"),
        "centres.view_invitation",
        "centres.change_invitation",
        *_view("accounts", "user"),
        # A lost laptop or a leaver: the registration team ends a person's API tokens.
        "accounts.view_apitoken",
        "accounts.delete_apitoken",
    ],
}

# Every role's permissions, gathered from every app's table by ``collect`` at start-up.
ROLES: dict[str, list[str]] = {role: [] for role in ROLE_NAMES}


def tables(app_configs: Iterable[AppConfig]) -> list[tuple[str, dict[str, list[str]]]]:
    """``(module, PERMISSIONS)`` of every app that declares a ``roles`` module, in the order
    of INSTALLED_APPS."""
    found: list[tuple[str, dict[str, list[str]]]] = []
    for config in app_configs:
        if module_has_submodule(config.module, "roles"):
            name = f"{config.name}.roles"
            found.append((name, importlib.import_module(name).PERMISSIONS))
    return found


def collect(app_configs: Iterable[AppConfig]) -> dict[str, list[str]]:
    """Fill ``ROLES`` from the apps' tables; an unknown role is a mistake in a table."""
    for role in ROLES:
        ROLES[role].clear()
    for module, table in tables(app_configs):
        for role, codenames in table.items():
            targets = ROLE_NAMES if role == EVERY_ROLE else [role]
            if role != EVERY_ROLE and role not in ROLES:
                raise ValueError(f"{module}.PERMISSIONS names an unknown role: {role!r}.")
            for target in targets:
                ROLES[target] += [c for c in codenames if c not in ROLES[target]]
    return ROLES


def sync_roles() -> dict[str, Group]:
    """Create the role groups and give each exactly the permissions of ROLES that exist."""
    wanted = {code for codes in ROLES.values() for code in codes}
    by_code = {}
    for perm in Permission.objects.select_related("content_type").filter(
        codename__in={code.split(".", 1)[1] for code in wanted}
    ):
        by_code[f"{perm.content_type.app_label}.{perm.codename}"] = perm
    groups = {}
    for role, codes in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set([by_code[code] for code in codes if code in by_code])
        groups[role] = group
    return groups


def sync_roles_after_migrate(sender: object, **kwargs: object) -> None:
    from django.apps import apps

    # post_migrate is sent once per app, in INSTALLED_APPS order; permissions of every app
    # exist only when the last one is sent.
    if sender is not list(apps.get_app_configs())[-1]:
        return
    if kwargs.get("using", "default") != "default":
        return
    sync_roles()
    from portal.accounts import kept_permissions

    # A data migration's models send their signals under other names: whatever it changed,
    # every person's permissions are read again.
    kept_permissions.forget_all()
