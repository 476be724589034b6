"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Chromium's headless shell (Debian's ``chromium-headless-shell``: the same engine without the
browser's windows) is taken where it is installed: it renders the same pages with half the
processor time of the whole browser, and the journeys take a third less time for it.

One browser per test process (each of ``bin/test``'s workers that runs browser tests starts
its own), a fresh context (cookies, storage) for every test. Without Chromium the tests are
skipped, never failed: ``bin/test`` says so in one line.
"""

import contextlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.browser.pages import AXE
from tests.copied_data import copy_of_database, london_today, restore_database

CHROMIUM = (
    os.environ.get("CHROMIUM_PATH")
    or shutil.which("chromium-headless-shell")
    or shutil.which("chromium")
    or "/usr/bin/chromium"
)
HAVE_CHROMIUM = Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)

# The tests run with the network closed: Chromium must not try to reach Google.
CHROMIUM_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
    "--disable-quic",
]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # First, so that "-m 'not browser'" sees the marker.
    skip = pytest.mark.skip(
        reason=f"no Chromium at {CHROMIUM} (apt-get install chromium-headless-shell)"
    )
    for item in items:
        if _uses_browser(item):
            item.add_marker(pytest.mark.browser)
            if not HAVE_CHROMIUM:
                item.add_marker(skip)


class Chromium:
    """One browser for the process: started by the first test that asks for it, stopped after
    the last one (see ``pytest_runtest_teardown``), not at the end of the session.

    Playwright's sync API keeps an event loop running in this thread while it is started,
    which Django takes for async code and refuses its (synchronous) ORM. The ORM is allowed
    with DJANGO_ALLOW_ASYNC_UNSAFE only while the browser runs, so that the tests after the
    last browser test keep Django's check and pass no such variable to a subprocess.
    """

    def __init__(self):
        self.browser = None
        self._stack = None

    def start(self):
        if self.browser is None:
            from playwright.sync_api import sync_playwright

            args = list(CHROMIUM_ARGS)
            if hasattr(os, "geteuid") and os.geteuid() == 0:
                # Chromium's sandbox refuses to run as root (containers, CI).
                args.append("--no-sandbox")
            stack = contextlib.ExitStack()
            stack.enter_context(pytest.MonkeyPatch.context()).setenv(
                "DJANGO_ALLOW_ASYNC_UNSAFE", "true"
            )
            playwright = stack.enter_context(sync_playwright())
            self.browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=args
            )
            stack.callback(self.browser.close)
            self._stack = stack
        return self.browser

    def stop(self):
        if self._stack is not None:
            stack, self._stack, self.browser = self._stack, None, None
            stack.close()


CHROMIUM_RUN = Chromium()


def _uses_browser(item) -> bool:
    return "browser" in getattr(item, "fixturenames", ())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    if CHROMIUM_RUN.browser is None or nextitem is None:
        return
    items = item.session.items
    if not any(_uses_browser(later) for later in items[items.index(item) + 1 :]):
        CHROMIUM_RUN.stop()


@pytest.fixture(scope="session")
def browser():
    yield CHROMIUM_RUN.start()
    CHROMIUM_RUN.stop()


@pytest.fixture
def new_page(browser, live_server):
    """Pages of their own context: each person in a journey has their own cookies."""
    contexts = []

    def open_page():
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": 1280, "height": 800},
            locale="en-GB",
            timezone_id="Europe/London",
        )
        context.set_default_timeout(10_000)
        # axe-core is in every document from its start (check_page runs it): sent to Chromium
        # once a context, not with every page checked (a tenth of a second a page).
        context.add_init_script(script=AXE)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def blank_page(browser):
    """A page with no server behind it, for content a test writes itself."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


@pytest.fixture
def demo(transactional_db, settings, tmp_path_factory):
    """The demo's centres, people and current cases, as ``bin/dev`` shows them, without its
    six months of history (seconds to build, and the live server empties the database after
    every test). The charter a migration loaded is emptied with it: load it again first.

    On SQLite (the embedded default) the demo is built once a day of the run and copied
    into each test: the database, page by page (SQLite's backup), and the files its cases
    hold."""
    from django.db import connection

    copied = connection.vendor == "sqlite"
    day = london_today()
    if copied and day in _DEMO_COPIES:
        _restore(_DEMO_COPIES[day], Path(settings.MEDIA_ROOT))
        return
    _seed_demo()
    if copied:
        files = tmp_path_factory.mktemp("demo-media")
        _DEMO_COPIES[day] = _copy(Path(settings.MEDIA_ROOT), files)


@dataclass
class _DemoCopy:
    database: Any  # an SQLite connection in memory
    media: Path


_DEMO_COPIES: dict = {}


def _copy(media: Path, files: Path) -> _DemoCopy:
    database = copy_of_database()
    if media.is_dir():
        shutil.copytree(media, files, dirs_exist_ok=True)
    return _DemoCopy(database, files)


def _restore(copy: _DemoCopy, media: Path) -> None:
    restore_database(copy.database)
    shutil.copytree(copy.media, media, dirs_exist_ok=True)


def _seed_demo():
    from centres.demo import seed_centre_accounts
    from centres.registration.programmes.demo import seed_programme_requests
    from complaints.demo import seed_complaints
    from portal.accounts.roles import sync_roles
    from portal.centres.models import Centre
    from portal.core import demo
    from portal.sla.models import ServiceLevel
    from portal.sla.services import load_charter
    from tests.factories import OfficerFactory, StaffFactory

    if not ServiceLevel.objects.exists():
        load_charter("cambridge")
    groups = sync_roles()
    centres = {c["number"]: Centre.objects.create(**c) for c in demo.CENTRES}
    for officer in demo.OFFICERS:
        officer = dict(officer)
        centre = centres[officer.pop("centre")]
        OfficerFactory(**officer, membership__centre=centre, password=demo.DEMO_PASSWORD)
    for person in demo.STAFF:
        person = dict(person)
        role_names = person.pop("roles")
        key = person.pop("totp_key")
        user = StaffFactory(**person, password=demo.DEMO_PASSWORD)
        user.groups.set([groups[name] for name in role_names])
        demo._demo_authenticator(user, key)
    seed_complaints()
    seed_centre_accounts()
    seed_programme_requests()
    # Series, candidates and entries, then the QA requests at every stage.
    from entries.demo import seed_entries
    from qa.demo import seed_qa

    seed_entries()
    seed_qa()
