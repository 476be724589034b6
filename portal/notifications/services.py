"""Reading notices: the only changes a person makes to their own inbox.

Both functions are a single conditional ``UPDATE ... WHERE read_at IS NULL``: a notice read
twice (two tabs, a retried request) keeps the time it was first read, and no lock is held.
"""

from django.utils import timezone

from portal.errors import PortalError
from portal.notifications.models import Notification


def mark_read(notification: Notification, *, by) -> Notification:
    """Mark one of ``by``'s notices as read; a notice already read is left as it was."""
    if notification.user_id != by.pk:
        raise PortalError("Only the person a notice was sent to can mark it as read.")
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    notification.refresh_from_db(fields=["read_at"])
    return notification


def mark_all_read(user) -> int:
    """Mark every unread notice of ``user`` as read; answer how many changed."""
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


def unread_count(user) -> int:
    return Notification.objects.for_user(user).unread().count()
