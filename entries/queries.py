"""How pages and the API find a centre's candidates and entries, and the totals they show."""

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass, replace

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.utils import timezone

from entries.models import Candidate, EntriesStamp, Entry, Series, Syllabus, entries_counted
from portal.centres.models import Centre
from portal.counting import bounded_count
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
# at most once in this long for the same filters. An officer's are kept under their centres'
# stamps (``remembered``): counted again after any change, never before.
SERIES_FIGURES_SECONDS = 5 * 60
# Long enough to carry a day's work on a centre's entries; each change makes a new stamp.
REMEMBERED_SECONDS = 60 * 60


@dataclass(frozen=True)
class SeriesFigures:
    totals: dict
    by_syllabus: list[dict]
    counted_at: dt.datetime
    # Provisional entries not yet submitted among them (an officer's page offers to submit).
    waiting: bool = False


def series_figures(user, entries, *, series: Series, chosen) -> SeriesFigures:
    """The ``totals`` and ``by_syllabus`` of ``entries``, a series' entries that ``user``
    sees filtered as ``chosen`` (the page's query). Staff's are read from the cache when
    counted in the last ``SERIES_FIGURES_SECONDS`` for the same filters; an officer's are
    ``remembered`` until their centres' entries of the series change."""
    asked = sorted((name, chosen.get(name, "")) for name in ("syllabus", "status", "candidate"))
    what = repr(asked)
    if not is_staff_user(user):

        def counted() -> SeriesFigures:
            waiting = entries.filter(status=Entry.Status.PROVISIONAL, submission__isnull=True)
            return SeriesFigures(
                totals(entries), syllabus_counts(entries), timezone.now(), waiting.exists()
            )

        found = remembered(centre_ids_of(user), [series.pk], f"series-figures:{what}", counted)
    else:
        digest = hashlib.sha256(what.encode()).hexdigest()[:16]
        key = f"entries:series-figures:v2:{series.pk}:{digest}"
        found = cache.get(key)
        if found is None:
            found = SeriesFigures(totals(entries), syllabus_counts(entries), timezone.now())
            cache.set(key, found, SERIES_FIGURES_SECONDS)
    # Kept by the syllabuses' ids, named as they are now.
    return replace(found, by_syllabus=named_by_syllabus(found.by_syllabus))


def series_totals(user, series: list[Series]) -> dict[int, dict]:
    """The ``totals`` of each of ``series`` that ``user`` sees, by the series' id: an
    officer's ``remembered``."""

    def counted() -> dict[int, dict]:
        return {s.pk: totals(entries_of(user, series=s)) for s in series}

    if is_staff_user(user):
        return counted()
    return remembered(centre_ids_of(user), [s.pk for s in series], "series-totals", counted)


def entries_changed(centre_id: int, series_id: int) -> None:
    """The one call that every write of a centre's entries of a series makes, in the write's
    transaction (an entry made, changed or withdrawn, entries imported, submitted or
    confirmed): the figures ``remembered`` of them are counted again at the next ask, in
    every process, once the change is committed."""
    EntriesStamp.objects.bulk_create(
        [EntriesStamp(centre_id=centre_id, series_id=series_id, stamp=uuid.uuid4().hex)],
        update_conflicts=True,
        unique_fields=["centre", "series"],
        update_fields=["stamp"],
    )


def connect_entries_changed() -> None:
    """An entry or a candidate saved or deleted one by one (the services' moves, the staff
    area, the demo) changes its centre's and series' stamp in its own transaction; the writes
    of many at once (an import, a submission, a confirmation) call ``entries_changed``
    themselves."""
    from django.db.models.signals import post_delete, post_save

    post_save.connect(_entry_written, sender=Entry, dispatch_uid="entries.changed.save")
    post_delete.connect(_entry_written, sender=Entry, dispatch_uid="entries.changed.delete")
    post_save.connect(_candidate_written, sender=Candidate, dispatch_uid="entries.changed.who")
    post_delete.connect(_candidate_written, sender=Candidate, dispatch_uid="entries.changed.gone")


def _entry_written(sender, instance: Entry, **kwargs) -> None:
    candidate = instance.candidate
    entries_changed(candidate.centre_id, candidate.series_id)


def _candidate_written(sender, instance: Candidate, **kwargs) -> None:
    # A candidate renamed changes the figures of the entries found by their name.
    entries_changed(instance.centre_id, instance.series_id)


def remembered(centre_ids, series_ids: list[int], what: str, compute):
    """``compute()``, a reading of the entries of ``centre_ids`` in ``series_ids`` described
    by ``what``, kept until any of them change: stored with their stamps (``EntriesStamp``),
    read before computing, so that a change committed while it computes makes the next read
    compute again. One query of a few rows (the stamps) and one of the cache when kept."""
    centres = sorted(centre_ids)
    if not centres or not series_ids:
        return compute()
    stamp = sorted(
        EntriesStamp.objects.filter(centre_id__in=centres, series_id__in=series_ids).values_list(
            "centre_id", "series_id", "stamp"
        )
    )
    digest = hashlib.sha256(f"{what}|{centres}|{sorted(series_ids)}".encode()).hexdigest()[:32]
    key = f"entries:remembered:v1:{digest}"
    cached = cache.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    value = compute()
    cache.set(key, (stamp, value), REMEMBERED_SECONDS)
    return value


def counted(user, rows, series: Series | None, exact_up_to: int) -> tuple[int, bool]:
    """How many ``rows`` there are, answered as ``bounded_count`` answers: every entry or
    every candidate ``user`` may see (of ``series``, or of all), unfiltered otherwise. An
    officer's count is kept until their centres' entries or candidates change
    (``remembered``); staff's, estimated past the bound, is asked each time."""

    def count() -> tuple[int, bool]:
        return bounded_count(rows, exact_up_to)

    if is_staff_user(user):
        return count()
    series_ids = [series.pk] if series else list(Series.objects.values_list("pk", flat=True))
    what = f"count:{rows.model._meta.label}:{exact_up_to}"
    return tuple(remembered(centre_ids_of(user), series_ids, what, count))


def by_syllabus(entries) -> list[dict]:
    """The entries kept by syllabus and option, in the order of the syllabus code."""
    return named_by_syllabus(syllabus_counts(entries))


def syllabus_counts(entries) -> list[dict]:
    """The entries kept by the syllabus' id and option: no syllabus joined to each of a
    centre's thousands of entries (``named_by_syllabus`` names them)."""
    counted = (
        entries.exclude(status=Entry.Status.WITHDRAWN)
        .values("syllabus", "option_code")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return list(counted)


def named_by_syllabus(rows: list[dict]) -> list[dict]:
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
    from entries.terms import entry_terms

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
    centre_ids = [c.pk for c in centres]
    series_ids = [s.pk for s, _ in taking]

    def counted() -> dict[int, int]:
        return dict(
            Entry.objects.filter(candidate__centre__in=centre_ids, candidate__series__in=series_ids)
            .exclude(status=Entry.Status.WITHDRAWN)
            .values("candidate__series")
            .annotate(count=Count("pk"))
            .values_list("candidate__series", "count")
        )

    counts = remembered(centre_ids, series_ids, "home", counted)
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
