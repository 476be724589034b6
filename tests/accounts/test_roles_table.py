"""Who may do what is read from one kind of place (each app's roles.py) and printed whole."""

import types
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from portal.accounts import roles


def _run(*args) -> str:
    out = StringIO()
    call_command("roles", *args, stdout=out)
    return out.getvalue()


def test_every_role_is_printed_with_its_permissions_and_moves():
    printed = _run()
    for role in roles.ROLE_NAMES:
        assert f"{role}\n" in printed
    director = printed.split("Director\n", 1)[1].split("Assessment specialist\n", 1)[0]
    assert "complaints.decide_escalation" in director
    assert "complaints.Complaint: decide" in director
    assert "arrangements.Appeal: uphold" in director
    assert "Exams officer (own centre)" in printed


def test_one_role_alone_and_an_unknown_role_refused():
    printed = _run("--role", roles.SECURITY_TEAM)
    assert "uploads.fetch_quarantined" in printed
    assert roles.DIRECTOR not in printed
    with pytest.raises(CommandError, match="No role is called 'Janitor'"):
        _run("--role", "Janitor")


def test_an_app_table_that_names_an_unknown_role_is_refused(monkeypatch):
    table = types.SimpleNamespace(PERMISSIONS={"Janitor": ["complaints.view_complaint"]})
    monkeypatch.setattr(roles, "tables", lambda configs: [("somewhere.roles", table.PERMISSIONS)])
    saved = {role: list(codes) for role, codes in roles.ROLES.items()}
    try:
        with pytest.raises(ValueError, match="somewhere.roles.PERMISSIONS names an unknown role"):
            roles.collect([])
    finally:
        for role, codes in saved.items():
            roles.ROLES[role][:] = codes


def test_every_role_is_gathered_from_the_apps_tables():
    from django.apps import apps

    modules = [module for module, _ in roles.tables(apps.get_app_configs())]
    assert "portal.accounts.roles" in modules
    assert {"complaints.roles", "entries.arrangements.roles", "results.postresults.roles"} <= set(
        modules
    )
    # Every role's permission comes from a table: nothing is added elsewhere.
    declared = set()
    for _, table in roles.tables(apps.get_app_configs()):
        for codes in table.values():
            declared |= set(codes)
    assert {code for codes in roles.ROLES.values() for code in codes} == declared
