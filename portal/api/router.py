"""The one router of ``/api/v1/``. Each app registers its own viewsets from its ``api.py``
(``@register("complaints", basename="complaint")``); the URL configuration imports every
installed app's ``api`` module, so no central list names the apps."""

from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import module_has_submodule
from rest_framework.routers import DefaultRouter

router = DefaultRouter()


def register(prefix: str, *, basename: str):
    """Class decorator: serve the viewset under ``/api/v1/<prefix>/``."""

    def decorate(viewset):
        router.register(prefix, viewset, basename=basename)
        return viewset

    return decorate


def discover() -> None:
    """Import the ``api`` module of every app of this project (not of libraries)."""
    base = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        if base in Path(config.path).resolve().parents and module_has_submodule(
            config.module, "api"
        ):
            import_module(f"{config.name}.api")
