"""One world per module; each test runs in a savepoint of a transaction that is rolled back
when the module ends, so a test that changes something changes it for itself alone.

On PostgreSQL each module builds the world inside that transaction. On SQLite (the embedded
default) it is built once a day of the test process, without the work its commits would
hand on (tasks, emails: as on PostgreSQL, where they are never committed), and copied into
each module that asks for it: the database, page by page (SQLite's backup), the files its
cases hold and its objects (a copy of them each, so that what one module does to them in
memory stays there); when the module ends the database is put back as it was before."""

import copy as copying
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import override_settings
from rest_framework.test import APIClient

from tests.isolation.world import build_world
from tests.signing_in import client_with, session_cookies


@pytest.fixture(scope="module")
def world_media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


def _storage(media):
    from django.conf import settings

    return {
        "STORAGES": {
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": media},
            },
        },
        "MEDIA_ROOT": media,
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, world_media, tmp_path_factory):
    with django_db_blocker.unblock(), override_settings(**_storage(world_media)):
        if connection.vendor != "sqlite":
            with transaction.atomic():
                yield build_world()
                transaction.set_rollback(True)
            return
        before = _copy_of_database()
        try:
            built = _copied_world(world_media, tmp_path_factory)
            with transaction.atomic():
                yield built
                transaction.set_rollback(True)
        finally:
            _restore_database(before)


@dataclass
class _WorldCopy:
    world: Any
    database: Any  # an SQLite connection in memory
    media: Path


_WORLD_COPIES: dict = {}


def _copied_world(media: Path, tmp_path_factory):
    """The world, built on the first call of a day and copied in on the next ones (its
    deadlines and dates are counted from the day it is made)."""
    from django.utils import timezone

    from portal.calendar import london_date

    day = london_date(timezone.now())
    copy = _WORLD_COPIES.get(day)
    if copy is not None:
        _restore_database(copy.database)
        shutil.copytree(copy.media, media, dirs_exist_ok=True)
        return copying.deepcopy(copy.world)
    with transaction.atomic():
        handed_on = len(connection.run_on_commit)
        built = build_world()
        del connection.run_on_commit[handed_on:]
    files = tmp_path_factory.mktemp("world-media")
    shutil.copytree(media, files, dirs_exist_ok=True)
    _WORLD_COPIES[day] = _WorldCopy(copying.deepcopy(built), _copy_of_database(), files)
    return built


def _copy_of_database():
    import sqlite3

    connection.ensure_connection()
    copy = sqlite3.connect(":memory:", check_same_thread=False)
    connection.connection.backup(copy)
    return copy


def _restore_database(copy) -> None:
    from django.contrib.contenttypes.models import ContentType

    connection.ensure_connection()
    copy.backup(connection.connection)
    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _isolated(settings, world_media):
    # The world's files stay where the world put them (the suite's fixture gives each test a
    # folder of its own); the cache still starts empty.
    from django.core.cache import cache

    for name, value in _storage(world_media).items():
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
