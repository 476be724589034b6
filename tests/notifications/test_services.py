import pytest
import time_machine

from portal.errors import PortalError
from portal.notifications.services import mark_all_read, mark_read, unread_count
from tests.sla.conftest import london

pytestmark = pytest.mark.django_db

NOON = london(2026, 11, 23, 12)


def test_mark_read_records_when(notify, officer_gb):
    notice = notify(user=officer_gb)
    with time_machine.travel(NOON, tick=False):
        mark_read(notice, by=officer_gb)
    notice.refresh_from_db()
    assert notice.read_at == NOON


def test_mark_read_repeated_keeps_the_first_time(notify, officer_gb):
    notice = notify(user=officer_gb)
    with time_machine.travel(NOON, tick=False):
        mark_read(notice, by=officer_gb)
    with time_machine.travel(london(2026, 11, 24, 9), tick=False):
        again = mark_read(notice, by=officer_gb)
    assert again.read_at == NOON


def test_mark_read_of_another_persons_notice_is_refused(notify, officer_gb, officer_pk):
    notice = notify(user=officer_gb)
    with pytest.raises(PortalError):
        mark_read(notice, by=officer_pk)
    notice.refresh_from_db()
    assert notice.read_at is None


def test_mark_all_read_touches_only_own_unread(notify, officer_gb, officer_pk):
    notify.create_batch(3, user=officer_gb)
    notify(user=officer_pk)
    assert mark_all_read(officer_gb) == 3
    assert mark_all_read(officer_gb) == 0
    assert (unread_count(officer_gb), unread_count(officer_pk)) == (0, 1)
