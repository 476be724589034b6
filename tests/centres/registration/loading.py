"""The 2026 standards as their migration loads them, for tests that may find the tables
emptied by an earlier transactional test."""

from importlib import import_module

from django.apps import apps

migration = import_module("centres.registration.migrations.0002_standards_2026")


def ensure_standards_2026() -> None:
    from centres.registration.models import StandardSet

    if not StandardSet.objects.filter(year=migration.YEAR).exists():
        migration.load(apps, None)
