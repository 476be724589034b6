"""The usual cast for every test: two centres, an officer of each, and staff."""

import contextlib
import gc
import itertools
import os

import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from portal.accounts.roles import DIRECTOR, ROLES
from portal.celery import app as celery_app
from tests import template_db
from tests.copied_data import copied_in, london_today, storage_in
from tests.factories import CentreFactory, OfficerFactory, StaffFactory
from tests.processes import environ
from tests.signing_in import api_as, sign_in
from tests.workers import worker_index, worker_redis_url


def pytest_configure(config):
    from django.conf import settings
    from django.test import override_settings

    _start_template_db(config)
    # A deliberately slow password hash is the point in production and a waste in tests.
    override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]).enable()
    # Under pytest-xdist, a Redis database of this worker's own (see tests/workers.py): the
    # tests clear the cache between them, and must not clear another worker's.
    index = worker_index()
    cache_settings = settings.CACHES["default"]
    if cache_settings["BACKEND"].endswith("FileBasedCache"):
        # The embedded default's cache in files is shared by every process of the machine:
        # the tests clear the cache between them, each test process its own (in memory).
        override_settings(
            CACHES={
                **settings.CACHES,
                "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            }
        ).enable()
        return
    if index is None or not _on_redis(cache_settings):
        return
    location = worker_redis_url(
        cache_settings["LOCATION"], index=index, broker_url=settings.CELERY_BROKER_URL
    )
    override_settings(
        CACHES={**settings.CACHES, "default": {**cache_settings, "LOCATION": location}}
    ).enable()


def _start_template_db(config) -> None:
    """Under pytest-xdist on SQLite, the controller has the test database migrated once while
    the workers start (``tests/template_db.py``), unless ``bin/test`` already has."""
    import tempfile
    from pathlib import Path

    from django.conf import settings

    if (
        hasattr(config, "workerinput")
        or not config.getoption("numprocesses", None)
        or template_db.VARIABLE in os.environ
        or settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3"
    ):
        return
    folder = Path(tempfile.mkdtemp(prefix="portal-test-db-", dir=_memory_folder()))
    process = template_db.start(folder, environ())
    os.environ[template_db.VARIABLE] = str(folder)  # the workers inherit it
    config.add_cleanup(lambda: _end_template_db(process, folder))


def _end_template_db(process, folder) -> None:
    import shutil

    process.kill()
    process.wait()
    os.environ.pop(template_db.VARIABLE, None)
    shutil.rmtree(folder, ignore_errors=True)


def _memory_folder() -> str | None:
    """/dev/shm where the system offers it: files there live in memory."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None


def _on_redis(cache_settings: dict) -> bool:
    from django.utils.module_loading import import_string

    from portal.cache import ForgivingRedisCache

    return issubclass(import_string(cache_settings["BACKEND"]), ForgivingRedisCache)


@pytest.fixture(scope="session")
def django_db_modify_db_settings_tox_suffix(tmp_path_factory):
    """On SQLite, a test database in a file rather than in memory. Django's live server
    shares an in-memory database's one connection between the threads that answer a
    browser's requests at once (a page and its scripts): under load they trip over each
    other's transactions. With a file each thread has its own connection. The file lives in
    memory where the system offers it (/dev/shm), so the tests run no slower for it."""
    import shutil
    import tempfile

    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        yield
        return
    folder = tempfile.mkdtemp(prefix="portal-tests-", dir=_memory_folder())
    database.setdefault("TEST", {})["NAME"] = os.path.join(folder, "test.sqlite3")
    yield
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def django_db_keepdb(request, django_db_modify_db_settings) -> bool:
    """On SQLite, the run's template (``tests/template_db.py``) copied into this process's
    test database, which is then kept as it is: migrate finds nothing left to apply. Else
    pytest-django's choice (``--reuse-db``)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and not request.config.getvalue(
        "create_db"
    ):
        name = database["TEST"]["NAME"]
        if template_db.copy_into(name):
            return True
    return request.config.getvalue("reuse_db")


@pytest.fixture(autouse=True, scope="session")
def _eager_celery():
    # Tasks run in the test's own process; on_commit still defers them to the commit.
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path_factory):
    # Uploads go to a folder of the test's own, made when a file is first stored there (most
    # tests store none: making a tmp_path for each would cost more than many tests take);
    # throttles and lock-outs start from zero.
    media = tmp_path_factory.getbasetemp() / "media" / str(next(_MEDIA_FOLDERS))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": media},
        },
    }
    settings.MEDIA_ROOT = media
    cache.clear()
    yield
    cache.clear()


_MEDIA_FOLDERS = itertools.count()


# Class-scoped: set up before the test's own transaction (a copy is put in outside any), and
# torn down with the test itself where it is not in a class (pytest's rule).
@pytest.fixture(scope="class")
def _demo_media(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(scope="class")
def _seeded_demo(request, django_db_setup, django_db_blocker, _demo_media, tmp_path_factory):
    from io import StringIO

    import time_machine
    from django.core.management import call_command

    # At the module's DEMO_AT, where it sets one (the demo of a given day), else now.
    at = getattr(request.module, "DEMO_AT", None)
    key = ("seed_demo", at or london_today())

    def seed():
        with time_machine.travel(at, tick=False) if at else contextlib.nullcontext():
            call_command("seed_demo", "--force", stdout=StringIO())

    with (
        django_db_blocker.unblock(),
        override_settings(**storage_in(_demo_media)),
        copied_in(key, seed, _demo_media, tmp_path_factory),
    ):
        yield


@pytest.fixture
def seeded_demo(_seeded_demo, _demo_media, settings, db):
    """The whole demo, as ``seed_demo`` makes it (its six months of history too), at the
    module's ``DEMO_AT`` if it sets one: made once a test process and copied in for each
    test (or class of tests) that asks for it, the database put back as it was after it
    (``tests/copied_data.py``)."""
    for name, value in storage_in(_demo_media).items():
        setattr(settings, name, value)


@pytest.fixture(scope="module")
def uploads_urls():
    """The portal's URLs with the test-only upload API (``tests/uploads/urls.py``), for a
    whole module: pytest-django's ``urls`` mark sets them for each test, and after each
    change Django reads every URL of the portal again (45 ms, twice a test)."""
    with override_settings(ROOT_URLCONF="tests.uploads.urls"):
        yield


@pytest.fixture
def charter(db):
    """The Cambridge charter: a migration loads it, but a transactional test (or a live
    server's) starts from empty tables."""
    from portal.sla.models import ServiceLevel
    from portal.sla.services import load_charter

    if not ServiceLevel.objects.exists():
        load_charter("cambridge")


@pytest.fixture
def centre_gb(db):
    return CentreFactory(number="GB001", name="Riverside Academy", timezone="Europe/London")


@pytest.fixture
def centre_pk(db):
    return CentreFactory(
        number="PK002", name="Lahore Grammar", country="PK", timezone="Asia/Karachi"
    )


@pytest.fixture
def officer_gb(centre_gb):
    return OfficerFactory(username="officer1", membership__centre=centre_gb)


@pytest.fixture
def officer_pk(centre_pk):
    return OfficerFactory(username="officer2", membership__centre=centre_pk)


@pytest.fixture
def staff_user(db):
    """Staff in every role but the Director's (whose final decisions are tested apart)."""
    return StaffFactory(username="staffer", roles=[r for r in ROLES if r != DIRECTOR])


@pytest.fixture
def staff_client(client, staff_user):
    """A browser session of staff who have passed two-factor sign-in (the staff area opens)."""
    return sign_in(client, staff_user)


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def officer_api(officer_gb):
    return api_as(officer_gb)


@pytest.fixture
def staff_api(staff_user):
    return api_as(staff_user)


@pytest.fixture
def translated(monkeypatch):
    """Every ``{% translate %}`` a page renders, in order (a list the test may clear)."""
    from django.templatetags.i18n import TranslateNode

    rendered: list = []
    render = TranslateNode.render

    def counting(node, context):
        rendered.append(node)
        return render(node, context)

    monkeypatch.setattr(TranslateNode, "render", counting)
    return rendered


def pytest_collection_finish(session):
    # What is alive once the tests are collected (Django, the modules, the collected tests)
    # stays alive to the end: left out of the collector's passes, which would otherwise walk
    # it again and again (on the isolation, hardening and complaints tests: 3 % less
    # processor time, 5 % less time in all).
    gc.collect()
    gc.freeze()


# Before pytest-xdist's own hook, which reads the groups given here (it names each test by
# its group).
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    from django.conf import settings
    from django.db import connection

    on_postgres = connection.vendor == "postgresql"
    on_redis = _on_redis(settings.CACHES["default"])
    skip_postgres = pytest.mark.skip(
        reason="needs PostgreSQL (row locks, SKIP LOCKED, real concurrency)"
    )
    skip_redis = pytest.mark.skip(reason="needs the cache on Redis (REDIS_URL)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_postgres)
        if "redis" in item.keywords and not on_redis:
            item.add_marker(skip_redis)
        # Under pytest-xdist (bin/test), each of these groups runs on one worker, one test
        # after another: no two of the PostgreSQL tests' races of threads run at once, and
        # what a test process makes once for the tests that need it is made by one process
        # only: the whole demo (seeded_demo, about 2 s a day of it) and the schema
        # fuzzing's schema and people (about 5 s). No group mixes tests that empty the
        # database (transactional) with tests that expect what the migrations put in it: a
        # group is handed out where its first test is (bin/test's --no-loadscope-reorder),
        # and pytest-django puts the ones that empty it last.
        if "postgres" in item.keywords and _empties_the_database(item):
            item.add_marker(pytest.mark.xdist_group("postgres"))
        elif "seeded_demo" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("demo"))
        elif item.module.__name__ == "tests.fuzz.test_schema":
            item.add_marker(pytest.mark.xdist_group("fuzz"))


def _empties_the_database(item) -> bool:
    """A test that commits (a live server's, threads racing): pytest-django empties every
    table after it, as Django's TransactionTestCase does."""
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(
        (marker and marker.kwargs.get("transaction"))
        or fixtures & {"transactional_db", "live_server", "django_db_serialized_rollback"}
    )
