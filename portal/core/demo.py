"""The demo data of the public contract: two centres, their officers and staff.

Idempotent: every row is found by its natural key and brought back to the demo values, so
running it twice leaves one copy of each, and running it after someone edited the demo
restores it. Each app adds its own demo cases: the ``STEPS`` of its ``demo`` module, run
in the order of INSTALLED_APPS (``demo_steps``).
"""

import importlib
from base64 import b32decode
from collections.abc import Callable

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.module_loading import module_has_submodule
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts import roles
from portal.centres.models import Centre, Membership

DEMO_PASSWORD = "demo-pass-123"
DEMO_AUTHENTICATOR = "Demo authenticator"

CENTRES = [
    {
        "number": "GB001",
        "name": "Riverside Academy",
        "country": "GB",
        "timezone": "Europe/London",
        "email": "exams@riverside.example",
    },
    {
        "number": "PK002",
        "name": "Lahore Grammar International",
        "country": "PK",
        "timezone": "Asia/Karachi",
        "email": "exams@lahore-grammar.example",
    },
]
OFFICERS = [
    {
        "username": "officer1",
        "centre": "GB001",
        "first_name": "Amelia",
        "last_name": "Hughes",
        "email": "officer1@riverside.example",
    },
    {
        "username": "officer2",
        "centre": "PK002",
        "first_name": "Bilal",
        "last_name": "Qureshi",
        "email": "officer2@lahore-grammar.example",
    },
]
STAFF = [
    {
        "username": "staff",
        "first_name": "Sam",
        "last_name": "Taylor",
        "email": "staff@exams-portal.example",
        "roles": list(roles.ROLES),
        "totp_key": "DEMOSTAFFEXAMSPORTALKEY234567ABC",
    },
    {
        "username": "specialist",
        "first_name": "Priya",
        "last_name": "Shah",
        "email": "specialist@exams-portal.example",
        "roles": [roles.ASSESSMENT_SPECIALIST],
        "totp_key": "DEMOSPECIALISTEXAMSPORTALKEY2345",
    },
]


def demo_steps() -> list[Callable[[], None]]:
    """Every app's demo steps: its ``demo`` module's ``STEPS``, in INSTALLED_APPS order."""
    steps: list[Callable[[], None]] = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "demo"):
            steps += getattr(importlib.import_module(f"{config.name}.demo"), "STEPS", [])
    return steps


def _user(username: str, *, is_staff: bool, **fields):
    user, _ = get_user_model().objects.update_or_create(
        username=username, defaults={"is_staff": is_staff, "is_active": True, **fields}
    )
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _demo_authenticator(user, key_base32: str) -> None:
    """A confirmed authenticator with a published key, so that demo staff sign in with a code
    (browser and API) instead of being asked to enrol. Demo only: the key is in the README."""
    TOTPDevice.objects.update_or_create(
        user=user,
        name=DEMO_AUTHENTICATOR,
        defaults={
            "key": b32decode(key_base32).hex(),
            "confirmed": True,
            "throttling_failure_count": 0,
            "throttling_failure_timestamp": None,
        },
    )


@transaction.atomic
def seed_demo() -> None:
    groups = roles.sync_roles()
    centres = {}
    for data in CENTRES:
        centres[data["number"]], _ = Centre.objects.update_or_create(
            number=data["number"], defaults={**data, "status": Centre.Status.ACTIVE}
        )
    for data in OFFICERS:
        data = dict(data)
        centre = centres[data.pop("centre")]
        user = _user(data.pop("username"), is_staff=False, **data)
        Membership.objects.get_or_create(user=user, centre=centre)
    for data in STAFF:
        data = dict(data)
        role_names = data.pop("roles")
        totp_key = data.pop("totp_key")
        user = _user(data.pop("username"), is_staff=True, **data)
        user.groups.set([groups[name] for name in role_names])
        _demo_authenticator(user, totp_key)
    for step in demo_steps():
        step()
