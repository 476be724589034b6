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
