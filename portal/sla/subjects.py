"""What a clock runs on: one declared protocol, checked at start-up for every model that can
carry a clock, and again when a clock starts.

The engine reads four things of the row a clock measures, when it starts the clock and when
it writes a reminder or a breach notice, maybe months later in a worker:

* ``reference``: how people name it ("CMP-2026-000042", "J27 results date");
* ``centre``: the centre whose officers are told when the centre must act (None when it is
  the awarding body's own promise);
* ``get_absolute_url()``: where the notice links to (a staff page for a promise with no
  centre);
* who is told: the rule's staff roles (``ServiceLevel.responsible`` and ``breach_roles``),
  and the officers of ``centre`` for what the centre must do.

A model carries clocks when it has a generic relation to ``sla.Clock`` (every case type has
``deadlines``) or says so with ``CARRIES_CLOCKS = True``. A model that misses a part fails
``manage.py check`` (``sla.E001``) before any clock runs on it, instead of a worker's
``AttributeError`` when its first notice is due.
"""

from typing import Any, Protocol, runtime_checkable

from django.apps import apps
from django.contrib.contenttypes.fields import GenericRelation
from django.core import checks
from django.db import models


@runtime_checkable
class ClockSubject(Protocol):
    reference: Any
    centre: Any

    def get_absolute_url(self) -> str: ...


PARTS = ("reference", "centre", "get_absolute_url")


def carries_clocks(model: type[models.Model]) -> bool:
    if getattr(model, "CARRIES_CLOCKS", False):
        return True
    return any(
        isinstance(field, GenericRelation) and field.related_model._meta.label == "sla.Clock"
        for field in model._meta.private_fields
    )


def missing_parts(model: type[models.Model]) -> list[str]:
    return [part for part in PARTS if not hasattr(model, part) and part not in _fields(model)]


def _fields(model: type[models.Model]) -> set[str]:
    return {field.name for field in model._meta.get_fields()}


@checks.register(checks.Tags.models)
def check_clock_subjects(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for model in apps.get_models():
        if model._meta.abstract or not carries_clocks(model):
            continue
        if missing := missing_parts(model):
            errors.append(
                checks.Error(
                    f"{model._meta.label} carries service-level clocks but has no "
                    f"{', '.join(missing)}.",
                    hint="A clock's subject gives reference, centre and get_absolute_url() "
                    "(portal/sla/subjects.py).",
                    obj=model,
                    id="sla.E001",
                )
            )
    return errors


def require_subject(subject: object) -> None:
    """Refuse to start a clock on a row the engine could not later name, place or link."""
    if not isinstance(subject, ClockSubject):
        missing = [part for part in PARTS if not hasattr(subject, part)]
        raise TypeError(
            f"A clock cannot run on {type(subject).__name__}: it has no {', '.join(missing)}."
        )
