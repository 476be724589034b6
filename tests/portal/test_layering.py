"""The shared layer (``portal/``) imports no app: apps build on it, never the other way."""

import ast
from pathlib import Path

import portal

# The design card's apps; nested ones (centres.registration, entries.arrangements,
# results.enquiries, results.postresults) are reached through them.
APPS = {"centres", "entries", "qa", "complaints", "results"}
SHARED = Path(portal.__file__).parent


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_shared_layer_imports_no_app():
    offenders = {
        str(path.relative_to(SHARED.parent)): sorted(_imported_packages(path) & APPS)
        for path in SHARED.rglob("*.py")
        if "migrations" not in path.parts
    }
    assert {path: apps for path, apps in offenders.items() if apps} == {}


# The whole layering is checked by lint-imports (the contracts in pyproject.toml, run by
# bin/test). These name the circles undone in portal/, so that none comes back unnoticed
# through an ``ignore_imports`` line.


def _graph():
    import grimp

    return grimp.build_graph("portal", cache_dir=None)


def _reaches(graph, importer: str, imported: str) -> bool:
    return bool(graph.find_shortest_chain(importer=importer, imported=imported))


def test_workflow_kit_imports_no_centre_model():
    # The centre's model builds on the workflow kit; the kit reads memberships through the user.
    graph = _graph()
    assert _reaches(graph, "portal.centres.models", "portal.workflow")
    assert not _reaches(graph, "portal.workflow", "portal.centres.models")


def test_centre_number_format_sits_below_models_and_allocation():
    graph = _graph()
    assert _reaches(graph, "portal.centres.numbers", "portal.centres.models")
    assert not _reaches(graph, "portal.centres.models", "portal.centres.numbers")


def test_hostile_input_guard_and_error_views_share_error_pages_without_a_circle():
    graph = _graph()
    assert _reaches(graph, "portal.core.views", "portal.guards")
    assert not _reaches(graph, "portal.guards", "portal.core.views")


def test_entries_import_and_entry_rules_without_a_circle():
    import grimp

    graph = grimp.build_graph("entries", cache_dir=None)
    assert _reaches(graph, "entries.services", "entries.imports")
    assert not _reaches(graph, "entries.imports", "entries.services")


def test_the_notices_docstring_names_a_template_that_exists():
    import re

    from django.template.loader import get_template

    from portal.notifications import services

    for name in re.findall(r'render_to_string\("([^"]+)"', services.__doc__ or ""):
        get_template(name)  # raises TemplateDoesNotExist
