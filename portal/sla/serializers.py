"""The ``deadlines`` of every case in the API: ``[{"code", "due_at", "state", "stopped_at"}]``.

Use ``DeadlinesMixin`` in a case's serializer (or declare ``deadlines = DeadlinesField()``).
A list of cases stays at one query for all their deadlines when the case model declares
``deadlines = GenericRelation("sla.Clock", for_concrete_model=False)`` and the viewset
prefetches it (``.prefetch_related(*with_deadlines())``); otherwise each case asks for its own.
"""

from functools import cached_property

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.api.fields import InstantField
from portal.sla.models import DEADLINES, Clock, Deadline


def clocks_of(case):
    """The case's clocks with their rules: prefetched ones when the caller asked for them
    (``prefetch_related(*with_deadlines())``), else one query."""
    prefetched = getattr(case, DEADLINES, None)
    if prefetched is not None:
        return prefetched
    related = getattr(case, "deadlines", None)
    if related is not None and hasattr(related, "all"):
        # Chaining anything onto a prefetched relation would query again, row by row.
        return related.all()
    return Clock.objects.for_case(case).select_related("service_level")


INSTANT = {"type": "string", "format": "date-time", "nullable": True}
DEADLINES_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "code": {"type": "string"},
            "due_at": INSTANT,
            "state": {"type": "string", "enum": Clock.State.values},
            "stopped_at": INSTANT,
        },
    },
}


@extend_schema_field(DEADLINES_SCHEMA)
class DeadlinesField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    @cached_property
    def _instant(self) -> serializers.DateTimeField:
        return InstantField(read_only=True)

    def to_representation(self, case):
        # Written out, not a serializer of the clock: a list of 50 cases has hundreds of
        # clocks, and a serializer's field-by-field machinery was most of its time (measured);
        # the instants are written by the field of every other instant of a case's answer.
        instant = self._instant.to_representation
        return [
            clock._asdict()  # read as the API writes it (``deadlines_of``)
            if type(clock) is Deadline
            else {
                "code": clock.code,
                "due_at": None if clock.due_at is None else instant(clock.due_at),
                "state": clock.state,
                "stopped_at": None if clock.stopped_at is None else instant(clock.stopped_at),
            }
            for clock in clocks_of(case)
        ]


class DeadlinesMixin(serializers.Serializer):
    deadlines = DeadlinesField()
