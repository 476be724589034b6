"""The matrix's "nothing changed" is only as good as its snapshot: it sees a row changed,
added or removed in any of the project's tables, and nothing where nothing changed."""

from portal.notifications.models import Notification
from tests.isolation.snapshot import changes, snapshot


def test_nothing_changed_is_no_change(world, db):
    assert changes(snapshot(), snapshot()) == []


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
