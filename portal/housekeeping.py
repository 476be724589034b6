"""Rows the portal keeps only for a while: deleted (or emptied) in bounded batches by the
hourly sweep, so a large backlog never holds a long lock or a long transaction."""

from typing import Any

from django.db import models


def delete_in_batches(queryset: models.QuerySet[Any], *, batch: int = 1000) -> int:
    """Delete what ``queryset`` selects, ``batch`` rows at a time; returns how many rows of
    its model were deleted. Safe to run twice or side by side: a row already gone is skipped."""
    model = queryset.model
    total = 0
    while True:
        pks = list(queryset.order_by("pk").values_list("pk", flat=True)[:batch])
        if not pks:
            return total
        deleted = model._base_manager.filter(pk__in=pks).delete()[1].get(model._meta.label, 0)
        total += deleted


def update_in_batches(queryset: models.QuerySet[Any], *, batch: int = 1000, **values: Any) -> int:
    """Update what ``queryset`` selects with ``values``, ``batch`` rows at a time; the
    queryset must no longer select a row once it is updated."""
    model = queryset.model
    total = 0
    while True:
        pks = list(queryset.order_by("pk").values_list("pk", flat=True)[:batch])
        if not pks:
            return total
        total += model._base_manager.filter(pk__in=pks).update(**values)
