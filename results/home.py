"""The officer's home page: the next results release of their centres, or the latest out."""

from django.db.models import Exists, OuterRef
from django.utils import timezone

from entries.models import Series
from portal.calendar import local_time
from results.models import Result


def home_section(user, centres):
    if user.is_staff or not centres:
        return None
    now = timezone.now()
    zone = centres[0].zone
    upcoming = (
        Series.objects.filter(results_release_at__gt=now)
        .with_candidates_at(centres)
        .order_by("results_release_at")
        .first()
    )
    # Each series looked up in the results' index (a row at most), never every result of
    # the centres joined and made distinct.
    with_results = Result.objects.filter(series=OuterRef("pk"), centre__in=centres)
    latest = (
        Series.objects.filter(Exists(with_results), results_release_at__lte=now)
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
