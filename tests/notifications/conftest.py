import datetime as dt

import factory
import pytest
from django.utils import timezone

from portal.notifications.models import Notification


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    kind = Notification.Kind.REMINDER
    reference = factory.Sequence(lambda n: f"CMP-2026-{n:06d}")
    code = "complaint.acknowledge"
    url = factory.LazyAttribute(lambda n: f"/complaints/{n.reference}/")
    subject = factory.LazyAttribute(lambda n: f"Reminder: {n.reference} is due soon")
    key = factory.Sequence(lambda n: f"sla:notice:{n}")
    created_at = factory.Sequence(lambda n: timezone.now() - dt.timedelta(hours=100 - n))


@pytest.fixture
def notify():
    return NotificationFactory
