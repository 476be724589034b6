"""The ``deadlines`` of every case in the API: ``[{"code", "due_at", "state", "stopped_at"}]``.

Use ``DeadlinesMixin`` in a case's serializer (or declare ``deadlines = DeadlinesField()``).
A list of cases stays at one query for all their deadlines when the case model declares
``deadlines = GenericRelation("sla.Clock", for_concrete_model=False)`` and the viewset
prefetches it (``.prefetch_related("deadlines")``); otherwise each case asks for its own.
"""

from functools import cached_property

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.sla.models import Clock


class DeadlineSerializer(serializers.ModelSerializer):
    class Meta:
        model = Clock
        fields = ["code", "due_at", "state", "stopped_at"]
        read_only_fields = fields


def clocks_of(case):
    """The case's clocks with their rules: prefetched ones when the caller asked for them
    (``prefetch_related("deadlines__service_level")``), else one query."""
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
    def _deadline(self) -> DeadlineSerializer:
        # One serializer for every clock of every case of a list: a serializer made per
        # case builds its fields again each time (most of a list's time, measured).
        return DeadlineSerializer()

    def to_representation(self, case):
        return [self._deadline.to_representation(clock) for clock in clocks_of(case)]


class DeadlinesMixin(serializers.Serializer):
    deadlines = DeadlinesField()
