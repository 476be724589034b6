"""The matrix's "nothing changed" is only as good as its snapshot: it sees a row changed,
added or removed in any of the project's tables, and nothing where nothing changed."""

import contextlib

from django.db import connection, transaction

from portal.notifications.models import Notification
from tests.isolation.snapshot import changes, same_start, snapshot


def test_nothing_changed_is_no_change(world, db):
    assert changes(snapshot(), snapshot()) == []
    before = snapshot()
    assert changes(before, snapshot(since=before)) == []


def test_a_changed_field_is_a_change(world, db):
    before = snapshot()

    Notification.objects.filter(pk=world.a.notification.pk).update(subject="Changed")

    assert changes(before, snapshot()) == [Notification._meta.label]


def test_a_row_added_or_removed_is_a_change(world, db):
    before = snapshot()
    notification = world.a.notification

    Notification.objects.filter(pk=notification.pk).delete()
    assert changes(before, snapshot()) == [Notification._meta.label]

    notification.save(force_insert=True)
    assert changes(before, snapshot()) == []


def test_since_an_earlier_snapshot_a_change_is_still_seen(world, db):
    before = snapshot()

    Notification.objects.filter(pk=world.a.notification.pk).update(subject="Changed")

    assert changes(before, snapshot(since=before)) == [Notification._meta.label]


def test_since_an_earlier_snapshot_a_write_undone_is_no_change(world, db):
    before = snapshot()

    with contextlib.suppress(RuntimeError), transaction.atomic():
        Notification.objects.filter(pk=world.a.notification.pk).update(subject="Changed")
        raise RuntimeError("undone")

    assert changes(before, snapshot(since=before)) == []


def test_since_an_earlier_snapshot_a_raw_write_is_seen(world, db):
    before = snapshot()

    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {connection.ops.quote_name(Notification._meta.db_table)} WHERE id = %s",
            [world.a.notification.pk],
        )

    assert changes(before, snapshot(since=before)) == [Notification._meta.label]


def test_a_start_shared_is_read_once_and_a_change_after_it_still_seen(_start, db):
    with same_start(_start):
        first = snapshot()
    with same_start(_start):
        again = snapshot()
        if connection.vendor == "sqlite":
            assert again.tables is first.tables
        Notification.objects.filter(pk=Notification.objects.first().pk).update(subject="Changed")
        assert changes(again, snapshot(since=again)) == [Notification._meta.label]
        # Written to: the start is no longer the one shared, and is read again.
        assert changes(again, snapshot()) == [Notification._meta.label]
