"""The demo catalogue, and orders of officer1's centre: one waiting, one despatched, one of an
item out of stock, so that every page and the queue have something to show."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from centres.publications import services
from centres.publications.models import Publication, PublicationOrder

CATALOGUE = [
    ("HB-2027", "Cambridge Handbook 2027", True),
    ("SYL-0580", "Mathematics (0580) syllabus for 2027", True),
    ("PP-0620-2026", "Chemistry (0620) past papers, June 2026", True),
    ("GUIDE-EO", "A guide for exams officers", False),
]


def seed_publications() -> None:
    for code, title, in_stock in CATALOGUE:
        Publication.objects.get_or_create(
            code=code, defaults={"title": title, "in_stock": in_stock}
        )
    users = get_user_model().objects
    officer = users.filter(username="officer1").first()
    staff = users.filter(username="staff").first()
    if officer is None or staff is None or PublicationOrder.objects.exists():
        return
    membership = officer.memberships.first()
    if membership is None:
        return
    centre = membership.centre
    now = timezone.now()

    def order(code, copies, hours_ago):
        return services.order_publication(
            centre=centre,
            by=officer,
            publication=Publication.objects.get(code=code),
            copies=copies,
            at=now - dt.timedelta(hours=hours_ago),
        )

    despatched = order("HB-2027", 2, 100)
    services.despatch_order(despatched, by=staff, at=now - dt.timedelta(hours=50))
    order("GUIDE-EO", 1, 30)
    order("SYL-0580", 5, 3)


STEPS = [seed_publications]
