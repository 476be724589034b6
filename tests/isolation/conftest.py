"""One world per module; each test runs in a savepoint of a transaction that is rolled back
when the module ends, so a test that changes something changes it for itself alone.

On PostgreSQL each module builds the world inside that transaction. On SQLite (the embedded
default) it is built once a day of the test process and copied into each module that asks
for it (``tests/copied_data.py``); when the module ends the database is put back as it was
before."""

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from tests.copied_data import copied_in, london_today, storage_in
from tests.isolation.snapshot import forget_start
from tests.isolation.snapshot import same_start as snapshot_same_start
from tests.isolation.world import build_world
from tests.signing_in import client_with, session_cookies


@pytest.fixture(scope="module")
def world_media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, world_media, tmp_path_factory):
    key = ("isolation world", london_today())
    with (
        django_db_blocker.unblock(),
        override_settings(**storage_in(world_media)),
        copied_in(key, build_world, world_media, tmp_path_factory) as built,
    ):
        yield built


@pytest.fixture(autouse=True)
def _isolated(settings, world_media):
    # The world's files stay where the world put them (the suite's fixture gives each test a
    # folder of its own); the cache still starts empty.
    from django.core.cache import cache

    for name, value in storage_in(world_media).items():
        setattr(settings, name, value)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def _sessions(world, django_db_blocker):
    """The cookies of each centre's officer's session, signed in once a module, in the
    world's transaction (a test that ends a session ends it in its own savepoint)."""
    with django_db_blocker.unblock():
        return {side: session_cookies(getattr(world, side).officer) for side in ("a", "b")}


@pytest.fixture(scope="module")
def _start(world, _sessions):
    """What every test of a module starts from: its world, its people signed in."""
    start = object()
    yield start
    forget_start(start)


@pytest.fixture
def same_start(_start, db):
    """The test starts where every other test of its module does (``snapshot.same_start``)."""
    with snapshot_same_start(_start):
        yield


def _api_client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def officer_a(world, _sessions, db):
    """Pages and API of centre A's officer: ``.page`` and ``.api``."""
    return _Acting(page=client_with(_sessions["a"]), api=_api_client(world.a.officer))


@pytest.fixture
def officer_b(world, _sessions, db):
    return _Acting(page=client_with(_sessions["b"]), api=_api_client(world.b.officer))


@pytest.fixture
def anonymous(world, db):
    from django.test import Client

    return _Acting(page=Client(), api=APIClient())


class _Acting:
    def __init__(self, *, page, api):
        self.page = page
        self.api = api

    def client_for(self, route):
        return self.api if route.is_api else self.page
