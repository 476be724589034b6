"""Staff roles of the awarding body, as groups with the permissions each role needs.

Each app adds the permissions of its own models to ``ROLES`` by codename
(``app_label.codename``); after every migrate the groups are brought into line, so a role
never lacks a permission because its app arrived later. Codenames that do not exist yet
are skipped quietly (their app has not been migrated).
"""

from django.contrib.auth.models import Group, Permission

CUSTOMER_SERVICES = "Customer services"
COMPLAINTS_INVESTIGATOR = "Complaints investigator"
DIRECTOR = "Director"
ASSESSMENT_SPECIALIST = "Assessment specialist"
ENTRIES_TEAM = "Entries team"
RESULTS_TEAM = "Results team"
REGISTRATION_TEAM = "Registration team"
# Investigates files the malware scan found infected: the only role that may fetch them.
SECURITY_TEAM = "Security team"


def _crud(app_label: str, model: str) -> list[str]:
    return [f"{app_label}.{action}_{model}" for action in ("view", "add", "change", "delete")]


def _view(app_label: str, model: str) -> list[str]:
    return [f"{app_label}.view_{model}"]


ROLES: dict[str, list[str]] = {
    CUSTOMER_SERVICES: [
        *_view("centres", "centre"),
        *_view("centres", "membership"),
        *_view("entries", "series"),
        *_view("entries", "syllabus"),
        *_view("entries", "candidate"),
        *_view("entries", "entry"),
    ],
    COMPLAINTS_INVESTIGATOR: [*_view("centres", "centre")],
    DIRECTOR: [*_view("centres", "centre")],
    ASSESSMENT_SPECIALIST: [
        *_view("centres", "centre"),
        *_view("entries", "series"),
        *_view("entries", "syllabus"),
        *_view("entries", "entry"),
    ],
    ENTRIES_TEAM: [
        *_view("centres", "centre"),
        *_crud("entries", "series"),
        *_crud("entries", "syllabus"),
        *_crud("entries", "candidate"),
        *_crud("entries", "entry"),
    ],
    RESULTS_TEAM: [
        *_view("centres", "centre"),
        *_view("entries", "series"),
        *_view("entries", "entry"),
    ],
    REGISTRATION_TEAM: [
        *_crud("centres", "centre"),
        *_crud("centres", "membership"),
        *_view("accounts", "user"),
        # A lost laptop or a leaver: the registration team ends a person's API tokens.
        "accounts.view_apitoken",
        "accounts.delete_apitoken",
    ],
    SECURITY_TEAM: [],
}


def extend_role(role: str, codenames: list[str]) -> None:
    """Let an app add the permissions of its own models to a role (call from AppConfig.ready)."""
    ROLES.setdefault(role, [])
    for codename in codenames:
        if codename not in ROLES[role]:
            ROLES[role].append(codename)


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
