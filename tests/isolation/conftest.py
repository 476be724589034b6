"""One world per module, built inside a transaction that is rolled back when the module ends;
each test runs in a savepoint inside it, so a test that changes something changes it for
itself alone."""

import pytest
from django.db import transaction
from django.test import override_settings
from rest_framework.test import APIClient

from tests.isolation.world import build_world
from tests.signing_in import sign_in


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
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, world_media):
    with (
        django_db_blocker.unblock(),
        override_settings(**_storage(world_media)),
        transaction.atomic(),
    ):
        built = build_world()
        yield built
        transaction.set_rollback(True)


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


def _page_client(user):
    from django.test import Client

    return sign_in(Client(), user)


def _api_client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def officer_a(world, db):
    """Pages and API of centre A's officer: ``.page`` and ``.api``."""
    return _Acting(page=_page_client(world.a.officer), api=_api_client(world.a.officer))


@pytest.fixture
def officer_b(world, db):
    return _Acting(page=_page_client(world.b.officer), api=_api_client(world.b.officer))


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
