"""Fields the portal's serializers share."""

import datetime as dt
from typing import Any

from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings


class InstantField(serializers.DateTimeField):
    """An instant, written as DRF writes it (ISO 8601 in the portal's zone, UTC: ``Z``).

    DRF's own field looks up the active time zone for every instant it writes, which is most
    of its cost in a list of cases (ten instants a case, fifty cases a page). The portal never
    activates another zone for an answer of the API (``TIME_ZONE`` is UTC and a reader's zone
    is applied by the pages' templates alone), so the field is given that zone once, and an
    instant read from the database (in UTC) is written without converting it at all."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default_timezone", timezone.get_default_timezone())
        super().__init__(*args, **kwargs)
        written = getattr(self, "format", api_settings.DATETIME_FORMAT)
        # An instant already in UTC is written as it is: DRF would convert it to UTC first.
        self._as_is = (
            isinstance(written, str)
            and written.lower() == ISO_8601
            and getattr(getattr(self, "timezone", None), "key", None) == "UTC"
        )

    def to_representation(self, value: Any) -> Any:
        if self._as_is and type(value) is dt.datetime and value.tzinfo is dt.UTC:
            return value.isoformat()[:-6] + "Z"  # "+00:00" written as DRF writes it
        return super().to_representation(value)
