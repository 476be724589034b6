"""On SQLite, the test database is migrated once for the whole run and copied into each worker.

Replaying the project's migrations costs 15 to 25 seconds of a core, and every test process
(each of ``bin/test``'s workers) needs a migrated database of its own. As Django's own test
runner does when it runs in parallel (it clones the first test database for the others), the
database is migrated once, here into a template: ``bin/test`` starts that while its checks
(ruff, mypy…) run, pytest-xdist's controller when it starts the workers, and each worker
copies the template into its own test database (``tests/conftest.py``'s ``django_db_keepdb``),
where migrate then finds nothing left to apply. The template is of this run only, built by
the migrations themselves in a process of its own: nothing is kept from one run to another.

``PORTAL_TEST_DB_TEMPLATE`` names the template's folder; the builder writes ``ready`` there
when the database is migrated, or ``failed`` with migrate's output. A worker that finds
neither while the builder still runs waits for it; where the builder failed or is gone, the
worker migrates its own database as before (and a migration that fails says so there).
"""

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

VARIABLE = "PORTAL_TEST_DB_TEMPLATE"
DATABASE = "portal.sqlite3"
READY, FAILED, PID = "ready", "failed", "builder.pid"
# A worker waits this long at most for a builder that is still running.
WAIT_SECONDS = 300
# Whether this process's test database is the template's copy (the tests check it is).
COPIED: list[bool] = []


def start(folder: Path, environ: dict[str, str]) -> subprocess.Popen:
    """Build the template in ``folder`` in a process of its own, in the background."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "migrate.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.template_db", str(folder)],
            cwd=Path(__file__).resolve().parent.parent,
            env=environ,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    (folder / PID).write_text(str(process.pid))
    return process


def build(folder: Path) -> None:
    """Migrate an empty database in ``folder``, as pytest-django would a worker's."""
    (folder / PID).write_text(str(os.getpid()))
    # The embedded default's database, cache and broker, all in the folder.
    os.environ["PORTAL_DATA_DIR"] = str(folder)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    try:
        import django
        from django.core.management import call_command
        from django.db import connections

        django.setup()
        call_command("migrate", interactive=False, run_syncdb=True, verbosity=0)
        connections.close_all()
    except BaseException as error:
        (folder / FAILED).write_text(f"{type(error).__name__}: {error}\n")
        raise
    (folder / READY).write_text("")


def copy_into(target: str) -> bool:
    """Copy the run's template into the test database file ``target``; False where there is
    no template to copy (none named, it failed, or its builder is gone)."""
    named = os.environ.get(VARIABLE)
    if not named:
        return False
    folder = Path(named)
    deadline = time.monotonic() + WAIT_SECONDS
    while not (folder / READY).exists():
        alive = _builder_alive(folder)
        if (folder / READY).exists():
            break  # finished between the two looks
        if not alive or (folder / FAILED).exists() or time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    # SQLite's backup, page by page: the copy is whole whatever the template's journal.
    source = sqlite3.connect(f"file:{folder / DATABASE}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    COPIED.append(True)
    return True


def _builder_alive(folder: Path) -> bool:
    """Whether the builder (its number written by whoever started it) is still running."""
    try:
        pid = int((folder / PID).read_text())
    except (OSError, ValueError):
        return False
    if not Path("/proc/self/stat").exists():  # not Linux: ask the system
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return True
    try:
        # The third field of /proc/<pid>/stat is its state: Z, a zombie, has ended.
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


if __name__ == "__main__":
    build(Path(sys.argv[1]))
