"""Demo mailings: this month's newsletter, sent on its first working day (its deadline met),
and next month's waiting as a draft once the month is a week away."""

import datetime as dt

from django.utils import timezone

from centres.mailings import services
from centres.mailings.models import Kind, Mailing
from portal.calendar import LONDON, add_months, london_date

BODY = """Dear exams officer,

The entry deadline for the June series is 21 February. Entries made after it carry late fees.

Our help centre now answers the questions we are asked most about access arrangements: find it
under Queries in the portal.

The exams team"""


def seed_mailings() -> None:
    now = timezone.now()
    month = services.month_of(london_date(now))
    # The issue went out at 9:30 on the first working day: last month's, before then.
    if now < dt.datetime.combine(services.first_working_day(month), dt.time(9, 30), tzinfo=LONDON):
        month = add_months(month, -1)
    if Mailing.objects.filter(kind=Kind.NEWSLETTER, month=month, sent_at__isnull=False).exists():
        return
    morning = dt.datetime.combine(services.first_working_day(month), dt.time(7, 30), tzinfo=LONDON)
    services.prepare_months(now=morning)
    Mailing.objects.filter(kind=Kind.NEWSLETTER, month=month).update(
        title=f"Exams newsletter, {month:%B %Y}", body=BODY, status=Mailing.Status.READY
    )
    services.send_due_mailings(now=morning + dt.timedelta(hours=2))
    services.prepare_months(now=now)


STEPS = [seed_mailings]
