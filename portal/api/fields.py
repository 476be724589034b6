"""Fields the portal's serializers share."""

from typing import Any

from django.utils import timezone
from rest_framework import serializers


class InstantField(serializers.DateTimeField):
    """An instant, written as DRF writes it (ISO 8601 in the portal's zone, UTC: ``Z``).

    DRF's own field looks up the active time zone for every instant it writes, which is most
    of its cost in a list of cases (ten instants a case, fifty cases a page). The portal never
    activates another zone for an answer of the API (``TIME_ZONE`` is UTC and a reader's zone
    is applied by the pages' templates alone), so the field is given that zone once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default_timezone", timezone.get_default_timezone())
        super().__init__(*args, **kwargs)
