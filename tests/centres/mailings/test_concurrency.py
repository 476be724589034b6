"""Two beats (or two workers) sending the month's newsletter at the same moment: it goes out
once, each officer emailed once."""

import datetime as dt
import threading

import pytest
from django.db import connection

from centres.mailings import services
from centres.mailings.models import Kind, Mailing
from portal.calendar import LONDON
from portal.notifications.models import Email, Notification

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SENT_ON = dt.datetime(2027, 1, 4, 9, 0, tzinfo=LONDON)  # the first working day of 2027


def test_two_runs_at_once_send_the_newsletter_once(charter, officer_gb, officer_pk):
    services.prepare_months(now=dt.datetime(2026, 12, 28, 9, 0, tzinfo=LONDON))
    Mailing.objects.filter(kind=Kind.NEWSLETTER, month=dt.date(2027, 1, 1)).update(
        title="Exams newsletter", body="News.", status=Mailing.Status.READY
    )
    barrier = threading.Barrier(2)
    sent = []

    def run():
        try:
            barrier.wait()
            sent.append(services.send_due_mailings(now=SENT_ON))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(sent) == [0, 1]
    assert sorted(Email.objects.values_list("address", flat=True)) == sorted(
        [officer_gb.email, officer_pk.email]
    )
    assert Notification.objects.filter(kind="newsletter").count() == 2
    assert Mailing.objects.get(kind=Kind.NEWSLETTER, month=dt.date(2027, 1, 1)).recipients == 2
