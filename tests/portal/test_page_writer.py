"""A page of an API list is written by ``PageWriter``: to the byte what DRF writes row by row,
whatever way each field finds its value (an attribute, a path through relations, a method DRF
calls, a mapping, a value missing or null, a field that skips itself)."""

import datetime as dt
from zoneinfo import ZoneInfo

from rest_framework import serializers

from portal.api.fields import InstantField
from portal.api.writing import PageWriter, WritesPages


class Inner:
    def __init__(self, value):
        self.value = value


class Row:
    def __init__(self, **values):
        self.__dict__.update(values)

    def shout(self) -> str:
        return self.name.upper()

    @property
    def gone(self):
        raise AttributeError("not here")


class Example(WritesPages, serializers.Serializer):
    name = serializers.CharField()
    shout = serializers.CharField()  # a method of the row: DRF calls it
    inner = serializers.CharField(source="inner.value", allow_null=True)
    count = serializers.IntegerField(source="inner.value", required=False)
    gone = serializers.CharField(required=False)  # missing: DRF leaves the field out
    when = InstantField(allow_null=True)
    size = serializers.SerializerMethodField()

    def get_size(self, row) -> int:
        return len(row["name"] if isinstance(row, dict) else row.name)


UTC = dt.UTC
DUBAI = ZoneInfo("Asia/Dubai")
ROWS = [
    Row(name="a", inner=Inner(7), when=dt.datetime(2026, 6, 1, 9, 30, tzinfo=UTC)),
    Row(name="b", inner=None, when=dt.datetime(2026, 6, 1, 9, 30, 0, 120000, tzinfo=UTC)),
    Row(name="c", inner=Inner("8"), when=dt.datetime(2026, 6, 1, 10, tzinfo=DUBAI)),
    Row(name="d", inner=Inner(None), when=None),
    {"name": "e", "shout": "E!", "inner": {"value": 3}, "when": None},
]


def test_a_page_is_written_as_drf_writes_each_row():
    listed = Example(ROWS, many=True)
    assert isinstance(listed, PageWriter)
    assert listed.data == [Example(row).data for row in ROWS]
    assert listed.data[1]["when"] == "2026-06-01T09:30:00.120000Z"
    assert listed.data[2]["when"] == "2026-06-01T06:00:00Z"  # converted to UTC, as DRF does
    assert "gone" not in listed.data[0]


def test_an_instant_is_written_as_drfs_own_field_writes_it():
    ours, drfs = InstantField(), serializers.DateTimeField()
    for instant in (
        dt.datetime(2026, 12, 7, 8, 0, tzinfo=UTC),
        dt.datetime(2026, 12, 7, 8, 0, 0, 1, tzinfo=UTC),
        dt.datetime(2026, 3, 29, 1, 30, tzinfo=ZoneInfo("Europe/London")),
        dt.datetime(2026, 3, 29, 1, 30, tzinfo=ZoneInfo("UTC")),
    ):
        assert ours.to_representation(instant) == drfs.to_representation(instant)
