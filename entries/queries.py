"""How pages and the API find a centre's candidates and entries, and the totals they show."""

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.utils import timezone

from entries.models import Candidate, Entry, Series, Syllabus, entries_counted
from portal.centres.models import Centre
from portal.errors import PortalError
from portal.permissions import centres_visible_to, is_staff_user
from portal.workflow import centre_ids_of


def acting_centre(user, number: str | None = None) -> Centre:
    """The centre a person acts for: the one they named (an officer's own, or any for
    staff), or an officer's only centre when they name none."""
    centres = Centre.objects.all() if is_staff_user(user) else centres_visible_to(user)
    if number:
        centre = centres.filter(number=number).first()
        if centre is None:
            raise PortalError(f"{number} is not one of your centres.", field="centre")
        return centre
    if is_staff_user(user):
        raise PortalError("Say which centre this is for.", field="centre")
    found = list(centres.order_by("number")[:2])
    if len(found) != 1:
        raise PortalError("Say which of your centres this is for.", field="centre")
    return found[0]


def series_or_404(code: str) -> Series:
    series = Series.objects.filter(code=code).first()
    if series is None:
        raise Http404("No such series.")
    return series


def entries_of(user, *, series: Series | None = None, paged: bool = False):
    """An officer's are found by their centre (``Entry.centre``): a page of them in the
    order they were made is read from that index, a page at a time. ``paged``: a series'
    entries to be read a page at a time in the order of its candidates, found through the
    candidates alone (an entry's centre is its candidate's)."""
    if series is not None and paged and not is_staff_user(user):
        # Walked from the index of the centre's candidates of the series, in the page's
        # order; named on both sides, the centre made the planner expect a fiftieth of the
        # entries and sort every one of them (35 → 0.3 ms for a centre of 20,000).
        entries = Entry.objects.visible_to(user, listed=True, through="candidate__centre")
        return entries.filter(candidate__series=series).select_related(*ENTRY_RELATED)
    entries = Entry.objects.visible_to(user, listed=True).select_related(*ENTRY_RELATED)
    if series is not None:
        entries = entries.filter(candidate__series=series)
        if not is_staff_user(user):
            # The same centres on the candidate's side, so that the candidates of the series
            # are read from their own index of centre and series, never every candidate of
            # the series (and the counts of a centre's entries from the entries' own index).
            entries = entries.filter(candidate__centre__in=sorted(centre_ids_of(user)))
    return entries


ENTRY_RELATED = ("candidate__centre", "candidate__series", "syllabus")


def filtered(entries, chosen: dict):
    """``entries`` as the filters of the series' entries page choose them (its form's
    cleaned data: a syllabus code, a status, a candidate's number or part of a surname)."""
    if chosen.get("syllabus"):
        entries = entries.filter(syllabus__code=chosen["syllabus"])
    if chosen.get("status"):
        entries = entries.filter(status=chosen["status"])
    if chosen.get("candidate"):
        text = chosen["candidate"]
        entries = entries.filter(
            Q(candidate__candidate_number=text) | Q(candidate__surname__icontains=text)
        )
    return entries


def candidates_of(user, *, series: Series | None = None):
    candidates = Candidate.objects.visible_to(user, listed=True).select_related("centre", "series")
    if series is not None:
        candidates = candidates.filter(series=series)
    return candidates


def totals(entries) -> dict:
    """Entries by status, the candidates entered and the late fees of the entries kept."""
    return entries.aggregate(
        entries=Count("pk"),
        provisional=Count("pk", filter=Q(status=Entry.Status.PROVISIONAL)),
        confirmed=Count("pk", filter=Q(status=Entry.Status.CONFIRMED)),
        withdrawn=Count("pk", filter=Q(status=Entry.Status.WITHDRAWN)),
        candidates=Count("candidate", distinct=True),
        late_fees=Sum("late_fee", filter=~Q(status=Entry.Status.WITHDRAWN), default=0),
    )


# Staff's figures of a series (every centre's entries: a million at full size) are counted
# at most once in this long for the same filters; an officer's are counted at every ask.
SERIES_FIGURES_SECONDS = 5 * 60


@dataclass(frozen=True)
class SeriesFigures:
    totals: dict
    by_syllabus: list[dict]
    counted_at: dt.datetime


def series_figures(entries, *, series: Series, chosen, kept: bool) -> SeriesFigures:
    """The ``totals`` and ``by_syllabus`` of ``entries``, a series' entries filtered as
    ``chosen`` (the page's query); ``kept``: read from the cache when counted in the last
    ``SERIES_FIGURES_SECONDS`` for the same filters."""
    if not kept:
        return SeriesFigures(totals(entries), by_syllabus(entries), timezone.now())
    asked = sorted((name, chosen.get(name, "")) for name in ("syllabus", "status", "candidate"))
    digest = hashlib.sha256(repr(asked).encode()).hexdigest()[:16]
    key = f"entries:series-figures:v1:{series.pk}:{digest}"
    found = cache.get(key)
    if found is None:
        found = SeriesFigures(totals(entries), by_syllabus(entries), timezone.now())
        cache.set(key, found, SERIES_FIGURES_SECONDS)
    return found


def by_syllabus(entries) -> list[dict]:
    """The entries kept by syllabus and option, in the order of the syllabus code. Counted
    by the syllabus' id (no syllabus joined to each of a centre's thousands of entries),
    then named."""
    counted = (
        entries.exclude(status=Entry.Status.WITHDRAWN)
        .values("syllabus", "option_code")
        .annotate(count=Count("pk"))
        .order_by()
    )
    rows = list(counted)
    named = Syllabus.objects.in_bulk({row["syllabus"] for row in rows})
    return sorted(
        (
            {
                "syllabus__code": named[row["syllabus"]].code,
                "syllabus__title": named[row["syllabus"]].title,
                "option_code": row["option_code"],
                "count": row["count"],
            }
            for row in rows
        ),
        key=lambda row: (row["syllabus__code"], row["option_code"]),
    )


def home_section(user, centres) -> dict | None:
    """Officers: each series open for entries with their totals; staff of the entries team:
    submissions waiting to be confirmed."""
    from django.urls import reverse

    from entries.models import EntrySubmission
    from entries.services import entry_terms

    if centres is None:
        if not user.has_perm("entries.view_entrysubmission"):
            return None
        waiting = EntrySubmission.objects.visible_to(user).open().count()
        meta = EntrySubmission._meta
        noun = meta.verbose_name if waiting == 1 else meta.verbose_name_plural
        return {
            "template": "entries/_home_section.html",
            "title": "Entries",
            "lines": [f"{waiting} {noun} waiting to be confirmed."],
            "link": reverse("admin:entries_entrysubmission_changelist"),
            "link_text": "Confirm entries",
        }
    if not centres:
        return None
    # Three queries however many series: the series, their late periods, the counts.
    taking = [
        (series, terms)
        for series in Series.objects.prefetch_related("late_periods").order_by("entry_deadline")
        if (terms := entry_terms(series)).state != "closed"
    ]
    counts = dict(
        Entry.objects.filter(
            candidate__centre__in=centres, candidate__series__in=[s for s, _ in taking]
        )
        .exclude(status=Entry.Status.WITHDRAWN)
        .values("candidate__series")
        .annotate(count=Count("pk"))
        .values_list("candidate__series", "count")
    )
    lines = [
        f"{series.name}: {entries_counted(counts.get(series.pk, 0))}. {terms.describe(series)}"
        for series, terms in taking
    ]
    if not lines:
        return None
    return {
        "template": "entries/_home_section.html",
        "title": "Entries",
        "lines": lines,
        "link": reverse("entries:index"),
        "link_text": "Your entries",
    }
