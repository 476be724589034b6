"""The officer's home page: the next results release of their centres, or the latest out."""

from django.utils import timezone

from entries.models import Series
from portal.calendar import local_time


def home_section(user, centres):
    if user.is_staff or not centres:
        return None
    now = timezone.now()
    zone = centres[0].zone
    upcoming = (
        Series.objects.filter(results_release_at__gt=now, candidates__centre__in=centres)
        .distinct()
        .order_by("results_release_at")
        .first()
    )
    latest = (
        Series.objects.filter(results_release_at__lte=now, results__centre__in=centres)
        .distinct()
        .order_by("-results_release_at")
        .first()
    )
    if upcoming is None and latest is None:
        return None
    return {
        "template": "results/_home_section.html",
        "upcoming": upcoming,
        "upcoming_at": local_time(upcoming.results_release_at, zone) if upcoming else "",
        "latest": latest,
        "zone": zone.key,
    }
