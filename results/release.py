"""The release of results: the release date announced to centres (at least six months ahead,
a reason when shorter, never moved in the last quarter of an hour), the notices as the date
nears, and at the instant the notice to every centre with results and the officers' and learners'
pages built."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from entries.models import Series
from portal import audit
from portal.api import remembered
from portal.calendar import add_months, local_time
from portal.centres.models import Centre
from portal.errors import PortalError
from portal.notifications import notify_all
from portal.outbox.services import enqueue
from portal.sla import services as sla
from results import queries
from results.models import ReleaseDate, ReleaseNotice, Result
from results.services import to_officers

NOTICE_MONTHS = 6
# The officers' read remembers a series' instant for a few seconds: it cannot move this late.
LAST_MOVE = dt.timedelta(minutes=15)


def notice_threshold(now: dt.datetime) -> dt.datetime:
    """The earliest release instant announced ``now`` that keeps the six months' notice."""
    day = add_months(now.date(), NOTICE_MONTHS)
    return dt.datetime.combine(day, now.timetz())


def check_release_date(series: Series, *, release_at: dt.datetime, reason: str, now=None) -> bool:
    """Refuse a release instant that cannot be announced; answer whether it is short notice."""
    now = now or timezone.now()
    if release_at <= now:
        raise PortalError("The release must be in the future.", field="release_at")
    if series.results_release_at <= now and series.results.exists():
        raise PortalError(
            f"The {series.name} results are out; their release cannot move.", field="release_at"
        )
    if series.results_release_at - LAST_MOVE <= now < series.results_release_at:
        raise PortalError(
            "Centres are waiting for these results: their release cannot move in its last "
            "quarter of an hour.",
            field="release_at",
        )
    short = release_at < notice_threshold(now)
    if short and not reason.strip():
        days = (release_at - now).days
        raise PortalError(
            f"Centres are promised the date at least {NOTICE_MONTHS} months ahead; this one "
            f"is {days} days ahead. Say why.",
            field="reason",
        )
    return short


def announce_release_date(
    series: Series, *, release_at: dt.datetime, by, reason: str = "", now=None
) -> ReleaseDate:
    """Set (or move) the instant a series' results are released.

    Steps: refuse an instant in the past, and any change once the results are out; a date
    less than six months ahead needs a reason; lock the series and set the instant; keep the
    announcement, audit it, and measure it against ``results.notice`` (met when six months
    ahead, else missed, which tells the results team); tell the centres with candidates.
    """
    now = now or timezone.now()
    reason = reason.strip()
    short = check_release_date(series, release_at=release_at, reason=reason, now=now)
    with transaction.atomic():
        locked = Series.objects.select_for_update().get(pk=series.pk)
        previous = locked.results_release_at
        check_release_date(locked, release_at=release_at, reason=reason, now=now)
        if previous == release_at:
            latest = locked.release_dates.first()
            if latest is not None and latest.release_at == release_at:
                return latest
        locked.results_release_at = release_at
        locked.save(update_fields=["results_release_at"])
        row = ReleaseDate.objects.create(
            series=locked,
            release_at=release_at,
            previous_release_at=previous,
            announced_at=now,
            announced_by=by if by and by.is_authenticated else None,
            reason=reason,
            short_notice=short,
        )
        audit.record(
            locked,
            "release_date",
            by=by,
            at=now,
            summary=f"Results at {release_at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"
            + (f" (short notice: {reason})" if short else ""),
            data={
                "from": previous.isoformat(),
                "to": release_at.isoformat(),
                "short_notice": short,
                "reason": reason,
            },
        )
        # Announcing is the whole case: the clock starts and stops at once, met when the
        # date is six months ahead, else missed (the results team is told).
        due = notice_due_at(release_at)
        if sla.start_clock(row, code="results.notice", at=now, due_at=due):
            sla.stop_clock(row, code="results.notice", at=now, by=by)
        # The wait for a first announcement (watch_release_dates) is over.
        sla.stop_clock(locked, code="results.notice", at=now, by=by)
        _tell_of_date(locked, row, now=now)
        code = locked.code
        transaction.on_commit(lambda: queries.forget_series(code), robust=True)
    return row


def notice_due_at(release_at: dt.datetime) -> dt.datetime:
    """The last instant to announce a release at ``release_at``: six months before it."""
    return dt.datetime.combine(add_months(release_at.date(), -NOTICE_MONTHS), release_at.timetz())


def watch_release_dates(*, now: dt.datetime | None = None) -> int:
    """A series whose results have a date but were never announced is measured too: its
    ``results.notice`` clock runs on the series from the first watch, due six months before
    the release, so the sweep reminds the results team and, when the six months are reached
    with no announcement, marks it overdue and tells them. The first announcement stops it
    (``announce_release_date``). Answer how many clocks started."""
    now = now or timezone.now()
    started = 0
    waiting = Series.objects.filter(results_release_at__gt=now, release_dates__isnull=True).exclude(
        pk__in=sla.subjects_with_clock(Series, code="results.notice")
    )
    for series in waiting:
        due = notice_due_at(series.results_release_at)
        if sla.start_clock(series, code="results.notice", at=now, due_at=due) is not None:
            started += 1
    return started


def _tell_of_date(series: Series, row: ReleaseDate, *, now) -> None:
    centres = Centre.objects.filter(candidates__series=series).distinct()
    path = f"/results/{series.code}/"
    events = [
        to_officers(
            centre,
            key=f"results:{series.code}:date:{row.pk}:{centre.number}",
            notice="date",
            path=path,
            series=series,
            when=local_time(row.release_at, centre.zone),
        )
        for centre in centres
    ]
    if events:
        notify_all(events, at=now)


# Centres whose learners' pages one task builds.
BUILD_CHUNK = 50


def send_release_notices(*, now: dt.datetime | None = None) -> int:
    """At the release instant (never before), tell each centre with results that they are
    out; once per series and instant, however many sweeps run. Answer how many series."""
    now = now or timezone.now()
    sent = 0
    due = Series.objects.filter(
        results_release_at__lte=now, results_release_at__gt=now - dt.timedelta(days=2)
    )
    for series in due:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    ReleaseNotice.objects.create(
                        series=series, release_at=series.results_release_at, sent_at=now
                    )
            except IntegrityError:
                continue
            centres = Centre.objects.filter(
                pk__in=Result.objects.filter(series=series).values("centre_id")
            )
            path = f"/results/{series.code}/"
            stamp = int(series.results_release_at.timestamp())
            events = [
                to_officers(
                    centre,
                    key=f"results:{series.code}:released:{stamp}:{centre.number}",
                    notice="released",
                    path=path,
                    series=series,
                )
                for centre in centres
            ]
            if events:
                notify_all(events, at=now)
            # Every centre's first page for its officers' systems, then every learner's
            # page, built by the workers a chunk each, so that each first read is short too.
            centre_ids = [centre.pk for centre in centres]
            chunks = [
                centre_ids[start : start + BUILD_CHUNK]
                for start in range(0, len(centre_ids), BUILD_CHUNK)
            ]
            for chunk in chunks:
                enqueue("results.build_pages", series_id=series.pk, centre_ids=chunk)
            for chunk in chunks:
                enqueue("learners.build_pages", centre_ids=chunk)
            sent += 1
        # The first minute of results day: the officers' tokens remembered, so that each
        # system's first read is short.
        remembered.remember_officers_of([centre.pk for centre in centres], now=now)
    return sent
