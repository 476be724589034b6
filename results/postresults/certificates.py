"""The rules of the despatch of certificates: at a series' release instant the portal opens,
for every centre with issued results, the despatch of its certificates (the
``certificates.despatch`` clock), which the results team records, holds while the centre
must do something, and resumes."""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from entries.models import Series
from portal.calendar import end_of_day, london_date
from portal.cases.notices import tell_centre
from portal.cases.services import open_case
from portal.centres.models import Centre
from portal.errors import PortalError
from portal.rules import Day, Text
from portal.sla import services as sla
from portal.sla.models import Clock
from portal.workflow import authorize, transition
from results.models import Result
from results.postresults.models import CERTIFICATES_CLOCK, CertificateDespatch
from results.postresults.services import (
    KIND,
    SWEEP_BATCH,
    TEXT_MAX,
    NotYetReleased,
    is_released,
    release_words,
)

# What the results team writes when it holds the despatch: the page's form and the API's
# serializer check with it too (portal/rules.py).
HOLD_REASON = Text(
    "reason",
    label="What the centre needs to do",
    most=TEXT_MAX,
    missing="Say what the centre needs to do.",
    help_text="Sent to the centre's exams officers. The deadline pauses until the hold ends.",
    rows=3,
)

# What the results team records when the certificates go.
COURIER = Text(
    "courier",
    label="Courier or postal service",
    most=100,
    missing="Name the courier or postal service.",
    help_text="For example DHL Express or Royal Mail Special Delivery.",
)
TRACKING_REFERENCE = Text("tracking_reference", label="Tracking reference", most=100)
DESPATCHED_ON = Day(
    "despatched_on",
    label="Date despatched",
    help_text="The day they went, in London. Today if left empty.",
    initial=lambda: london_date(timezone.now()),
)

# How far back the sweep looks for released series: past the two months the charter gives,
# so that a centre whose results are issued late still gets its case (its clock, from the
# release instant, then shows it late), while series long gone are never read again.
CERTIFICATES_LOOKBACK = dt.timedelta(days=92)


def _candidates(n: int) -> str:
    return f"{n} candidate{'' if n == 1 else 's'}"


def count_certificates(*, centre: Centre, series: Series) -> tuple[int, int]:
    """How many of the centre's candidates in the series have certificates to come: those
    with an issued result (not held by QA); and how many have results held by QA or
    withheld, which are not certificated yet."""
    results = Result.objects.filter(centre=centre, series=series).with_holds()
    issued = Q(status=Result.Status.ISSUED)
    covered = results.filter(issued, held=False).values("candidate_id").distinct().count()
    held = (
        results.filter(Q(issued, held=True) | Q(status=Result.Status.WITHHELD))
        .values("candidate_id")
        .distinct()
        .count()
    )
    return covered, held


def _centre_of(case: CertificateDespatch) -> Centre:
    """The centre a despatch is for: every one is opened for a centre."""
    assert case.centre is not None, f"{case.reference} has no centre"
    return case.centre


@dataclass(frozen=True)
class CertificateCounts:
    covered: int
    held: int
    counted_at: dt.datetime | None


def certificate_counts(
    case: CertificateDespatch, *, now: dt.datetime | None = None
) -> CertificateCounts:
    """What a despatch's pages say it covers: once despatched, what was counted when the
    certificates went; until then, the results as they stand now, so that a result held or
    withheld since the case opened is counted as the results page shows it."""
    if case.status == CertificateDespatch.Status.DESPATCHED:
        return CertificateCounts(case.candidates_covered, case.candidates_held, case.counted_at)
    covered, held = count_certificates(centre=_centre_of(case), series=case.series)
    return CertificateCounts(covered, held, now or timezone.now())


def _open_despatch(
    *, centre: Centre, series: Series, at: dt.datetime
) -> tuple[CertificateDespatch, bool]:
    if not is_released(series, at):
        raise NotYetReleased(
            f"Certificates of {series.name} fall due at the release instant, "
            f"{release_words(series)}, never before."
        )
    found = CertificateDespatch.objects.filter(centre=centre, series=series).first()
    if found is not None:
        return found, False
    covered, held = count_certificates(centre=centre, series=series)
    try:
        with transaction.atomic():
            case = open_case(
                CertificateDespatch,
                at=at,
                summary=f"Certificates of {series.name} due for despatch",
                data={"series": series.code, "candidates": covered, "held": held},
                centre=centre,
                series=series,
                candidates_covered=covered,
                candidates_held=held,
                counted_at=at,
            )
            # The promise runs from results day, however late the sweep came round.
            sla.start_clock(case, code=CERTIFICATES_CLOCK, at=series.results_release_at)
    except IntegrityError:
        # Another sweep opened it a moment earlier: the unique constraint kept it to one.
        found = CertificateDespatch.objects.filter(centre=centre, series=series).first()
        if found is None:
            raise
        return found, False
    return case, True


def open_certificate_despatch(
    *, centre: Centre, series: Series, at: dt.datetime | None = None
) -> CertificateDespatch:
    """The despatch of ``centre``'s certificates of ``series``, opened once.

    Steps: refuse before the series' release instant; answer the case if the centre has
    one for the series; count the candidates it covers and those whose results are held
    or withheld; open the case (two openings at once meet at the unique constraint, and
    the loser answers the winner's case); start ``certificates.despatch`` at the release
    instant, not when the case was opened.
    """
    case, _ = _open_despatch(centre=centre, series=series, at=at or timezone.now())
    return case


def open_series_certificate_despatches(
    series: Series, *, now: dt.datetime | None = None, limit: int = SWEEP_BATCH
) -> int:
    """Open the certificate despatch of up to ``limit`` centres with an issued result in
    ``series`` and no despatch yet; nothing before the release instant. Answer how many
    were opened here."""
    now = now or timezone.now()
    if not is_released(series, now) or limit <= 0:
        return 0
    issued = Result.objects.filter(
        centre=OuterRef("pk"), series=series, status=Result.Status.ISSUED
    )
    opened = CertificateDespatch.objects.filter(centre=OuterRef("pk"), series=series)
    centres = Centre.objects.filter(Exists(issued)).exclude(Exists(opened)).order_by("pk")
    count = 0
    for centre in list(centres[:limit]):
        _, created = _open_despatch(centre=centre, series=series, at=now)
        count += created
    return count


def open_due_certificate_despatches(
    *, now: dt.datetime | None = None, batch: int = SWEEP_BATCH
) -> int:
    """The beat's sweep: for every series released by ``now`` (and not long ago), open the
    despatch of each centre with issued results that has none, at most ``batch`` in one
    run. Safe to run twice at once: each case is opened once (``open_certificate_despatch``)."""
    now = now or timezone.now()
    released = Series.objects.filter(
        results_release_at__lte=now, results_release_at__gt=now - CERTIFICATES_LOOKBACK
    ).order_by("results_release_at", "pk")
    opened = 0
    for series in released:
        opened += open_series_certificate_despatches(series, now=now, limit=batch - opened)
        if opened >= batch:
            break
    return opened


def _certificates_clock(case: CertificateDespatch) -> Clock | None:
    return Clock.objects.for_case(case).filter(code=CERTIFICATES_CLOCK).open().first()


def despatch_certificates(
    case: CertificateDespatch,
    *,
    by,
    courier: str,
    tracking_reference: str = "",
    despatched_on: dt.date | None = None,
    at: dt.datetime | None = None,
) -> CertificateDespatch:
    """Record that the centre's certificates went out.

    Steps: check ``by`` may; check the courier and the date (today unless told; never in
    the future nor before results day); make the move, which locks the row (a repeat
    changes nothing and tells nobody again); count the candidates again (what went out);
    record the courier, tracking reference and date; stop ``certificates.despatch`` at the
    despatch (the end of its day when it is recorded on a later day); tell the centre's
    officers, with a link, once.
    """
    at = at or timezone.now()
    authorize(case, "despatch", by=by)
    courier = COURIER.clean(courier)
    tracking_reference = TRACKING_REFERENCE.clean(tracking_reference)
    today = london_date(at)
    despatched_on = DESPATCHED_ON.clean(despatched_on) or today
    if despatched_on > today:
        raise PortalError("The despatch date cannot be in the future.", field="despatched_on")
    if despatched_on < london_date(case.series.results_release_at):
        raise PortalError(
            f"Certificates cannot go before results day, {release_words(case.series)}.",
            field="despatched_on",
        )
    covered, held = count_certificates(centre=_centre_of(case), series=case.series)
    update = {
        "courier": courier,
        "tracking_reference": tracking_reference,
        "despatched_on": despatched_on,
        "despatched_at": at,
        "handled_by": by,
        "candidates_covered": covered,
        "candidates_held": held,
        "counted_at": at,
    }
    with transaction.atomic():
        case, moved = transition(
            case,
            "despatch",
            by=by,
            update=update,
            data={"courier": courier, "tracking_reference": tracking_reference},
            at=at,
        )
        if not moved:
            return case
        stopped = at if despatched_on == today else end_of_day(despatched_on)
        sla.stop_clock(case, code=CERTIFICATES_CLOCK, at=stopped, by=by)
        tell_centre(
            case,
            step="despatched",
            kind=KIND,
            at=at,
            covered=_candidates(covered),
            held=_candidates(held).capitalize() if held else "",
            tracked=f", tracking reference {tracking_reference}" if tracking_reference else "",
        )
    return case


def hold_certificates(
    case: CertificateDespatch, *, by, reason: str, at: dt.datetime | None = None
) -> CertificateDespatch:
    """Hold the despatch while it waits on the centre (a delivery address to confirm, fees
    to pay).

    Steps: check ``by`` may and the reason; make the move (a repeat changes nothing);
    record the reason; pause ``certificates.despatch`` while it is running and not yet
    missed (a missed deadline stays missed); tell the centre's officers what is needed.
    """
    at = at or timezone.now()
    authorize(case, "hold", by=by)
    reason = HOLD_REASON.clean(reason)
    with transaction.atomic():
        case, moved = transition(
            case, "hold", by=by, update={"hold_reason": reason}, data={"reason": reason}, at=at
        )
        if not moved:
            return case
        clock = _certificates_clock(case)
        missed = clock is not None and clock.due_at is not None and clock.due_at < at
        if clock is not None and clock.state == Clock.State.RUNNING and not missed:
            sla.pause_clock(case, code=CERTIFICATES_CLOCK, at=at, by=by, reason=reason)
        tell_centre(
            case, step=f"held-{int(at.timestamp())}", notice="held", kind=KIND, at=at, reason=reason
        )
    return case


def resume_certificates(
    case: CertificateDespatch, *, by, at: dt.datetime | None = None
) -> CertificateDespatch:
    """End a hold: the despatch is due again and a paused clock runs on, the days held
    added to its deadline."""
    at = at or timezone.now()
    with transaction.atomic():
        case, moved = transition(case, "resume", by=by, update={"hold_reason": ""}, at=at)
        if not moved:
            return case
        clock = _certificates_clock(case)
        if clock is not None and clock.state == Clock.State.PAUSED:
            sla.resume_clock(case, code=CERTIFICATES_CLOCK, at=at, by=by)
    return case
