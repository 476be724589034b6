"""The database writes an instant as the API writes it (``InstantText``), to the byte."""

import datetime as dt

import pytest

from portal.accounts.models import User
from portal.api.fields import InstantField
from portal.statements import InstantText
from tests.factories import UserFactory

INSTANTS = [
    dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC),  # whole seconds: no fraction
    dt.datetime(2026, 12, 4, 23, 59, 59, 999_999, tzinfo=dt.UTC),
    dt.datetime(2027, 1, 1, 0, 0, 0, 120_000, tzinfo=dt.UTC),  # trailing zeros kept
    dt.datetime(2027, 6, 30, 5, 4, 3, 1, tzinfo=dt.UTC),
    # Given in another zone: written in UTC.
    dt.datetime(2027, 3, 28, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))),
]


@pytest.mark.django_db
def test_an_instant_is_written_by_the_database_as_the_api_writes_it():
    field = InstantField(read_only=True)
    people = [UserFactory(date_joined=instant) for instant in INSTANTS]
    people.append(UserFactory(last_login=None))
    written = dict(
        User.objects.filter(pk__in=[p.pk for p in people]).values_list(
            "pk", InstantText("date_joined")
        )
    )
    for person, instant in zip(people, INSTANTS, strict=False):
        assert written[person.pk] == field.to_representation(instant)
    assert written[people[0].pk] == "2026-12-04T10:00:00Z"
    assert written[people[2].pk] == "2027-01-01T00:00:00.120000Z"
    assert written[people[4].pk] == "2027-03-27T20:00:00Z"
    nothing = User.objects.filter(pk=people[-1].pk).values_list(InstantText("last_login"))
    assert list(nothing) == [(None,)]
