"""Learner accounts: a centre gives a candidate their own sign-in, re-sends the invitation
or withdraws it; a learner reads their own results from the series' release instant."""

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session as StoredSession
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from entries.models import Candidate, Series
from portal import audit
from portal.accounts.models import User
from portal.api.pagination import BoundedCountPagination
from portal.errors import PortalError
from portal.notifications import notify
from results.learners import remembered
from results.learners.models import LearnerAccount
from results.models import Result
from results.postresults.models import Service, ServiceRequest
from results.postresults.services import request_service

EMAIL_MAX = 254
# What one page of a learner's results holds (the API's pages): a learner's whole answer is
# kept for the short way only when it fits one.
PAGE_SIZE = BoundedCountPagination.page_size


def learner_account_of(user) -> LearnerAccount | None:
    """The active learner account ``user`` signs in with, or None (officers and staff)."""
    if not (user and user.is_authenticated):
        return None
    if not hasattr(user, "_learner_account"):
        user._learner_account = LearnerAccount.objects.active().filter(user_id=user.pk).first()
    account: LearnerAccount | None = user._learner_account
    return account


def is_learner(user) -> bool:
    return learner_account_of(user) is not None


def _clean_email(email) -> str:
    email = str(email or "").strip()
    if not email:
        raise PortalError("Give the learner's email address.", field="email")
    if len(email) > EMAIL_MAX:
        raise PortalError(f"An email address is at most {EMAIL_MAX} characters.", field="email")
    try:
        validate_email(email)
    except ValidationError:
        raise PortalError(f"{email} is not an email address.", field="email") from None
    return email


def _username_for(uci: str, centre) -> str:
    base = uci.lower()
    if not User.objects.filter(username=base).exists():
        return base
    return f"{base}-{centre.number.lower()}"


def give_access(
    *,
    centre,
    series: Series,
    candidate_number: str,
    email: str,
    by,
    language: str = "",
    at: dt.datetime | None = None,
) -> tuple[LearnerAccount, bool]:
    """Give a candidate of ``centre`` their own sign-in; answer the account and whether it
    is new.

    Steps: check the address; find the candidate (another centre's: 404), who needs a UCI;
    the candidate's account at this centre, if there is one, is answered as it is (one
    withdrawn is given back, to this address); otherwise a user with no password is made
    and the account with it; the learner is sent a link to choose a password.
    """
    at = at or timezone.now()
    email = _clean_email(email)
    language = language or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        raise PortalError(
            "Choose one of the languages the portal writes in: "
            + ", ".join(code for code, _name in settings.LANGUAGES)
            + ".",
            field="language",
        )
    candidate = Candidate.objects.filter(
        centre=centre, series=series, candidate_number=str(candidate_number or "")
    ).first()
    if candidate is None:
        raise Http404("No such candidate at this centre.")
    uci = candidate.uci.strip().upper()
    if not uci:
        raise PortalError(
            f"Candidate {candidate.candidate_number} has no unique candidate identifier (UCI) "
            "yet: give them one with their entries first.",
            field="candidate_number",
        )
    with transaction.atomic():
        account = (
            LearnerAccount.objects.select_for_update()
            .select_related("user")
            .filter(centre=centre, uci=uci)
            .first()
        )
        if account is not None and account.withdrawn_at is None:
            return account, False
        if account is not None:
            account.withdrawn_at, account.email, account.invited_at = None, email, at
            account.language = language
            account.save(update_fields=["withdrawn_at", "email", "invited_at", "language"])
            account.user.email, account.user.is_active = email, True
            account.user.save(update_fields=["email", "is_active"])
            audit.record(account, "given_back", by=by, at=at, summary="Access given back")
            _invite(account, at=at, event="given-back")
            return account, False
        try:
            with transaction.atomic():
                user = User(
                    username=_username_for(uci, centre),
                    email=email,
                    first_name=candidate.forenames[:150],
                    last_name=candidate.surname[:150],
                )
                user.set_unusable_password()
                user.save()
                account = LearnerAccount.objects.create(
                    user=user,
                    centre=centre,
                    uci=uci,
                    email=email,
                    language=language,
                    created_at=at,
                    invited_at=at,
                    created_by=by if by and by.is_authenticated else None,
                )
        except IntegrityError:
            # Given at the same moment by someone else: theirs is the account.
            return LearnerAccount.objects.get(centre=centre, uci=uci), False
        audit.record(account, "created", by=by, at=at, summary=f"Access given to {email}")
        _invite(account, at=at, event="created")
    return account, True


def set_password_url(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password_reset_confirm", args=[uid, token])
    return f"{settings.PORTAL_BASE_URL}{path}"


def _invite(account: LearnerAccount, *, at, event: str) -> None:
    centre = account.centre
    home = reverse("learners:home")
    # In the language the centre chose for the learner.
    with translation.override(account.language):
        subject = _("Your results online, from %(centre)s") % {"centre": centre.name}
        body = "\n\n".join(
            [
                _(
                    "%(centre)s has given you a sign-in to see your results online on the day "
                    "they are released, and to have them sent to a university or employer."
                )
                % {"centre": centre.name},
                _("Your username: %(username)s") % {"username": account.user.username},
                _("Choose your password (the link works once, for three days):")
                + f"\n{set_password_url(account.user)}",
                _("Then sign in at %(url)s") % {"url": f"{settings.PORTAL_BASE_URL}{home}"},
            ]
        )
    notify(
        # Each invitation its own event: sent again, it is sent again.
        key=f"learner:{account.pk}:{event}:{uuid.uuid4().hex[:16]}",
        kind="learner",
        to=[account.user],
        subject=subject,
        body=body,
        url=home,
        at=at,
    )


def resend_invitation(account: LearnerAccount, *, by, at: dt.datetime | None = None):
    """Send the learner a new link to choose a password (the old one still works)."""
    at = at or timezone.now()
    if account.withdrawn_at is not None:
        raise PortalError("This learner's access was withdrawn: give it again instead.")
    with transaction.atomic():
        LearnerAccount.objects.filter(pk=account.pk).update(invited_at=at)
        audit.record(account, "invited", by=by, at=at, summary="Invitation sent again")
        _invite(account, at=at, event="resent")
    account.invited_at = at
    return account


def withdraw_access(account: LearnerAccount, *, by, at: dt.datetime | None = None):
    """The learner can no longer sign in (a repeat changes nothing)."""
    at = at or timezone.now()
    with transaction.atomic():
        changed = LearnerAccount.objects.filter(pk=account.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=at
        )
        if changed:
            User.objects.filter(pk=account.user_id).update(is_active=False)
            remembered.forget_people([account.user_id])
            audit.record(account, "withdrawn", by=by, at=at, summary="Access withdrawn")
    account.refresh_from_db()
    return account


def results_of(account: LearnerAccount, *, now: dt.datetime):
    """The learner's own results: every series they sat at the centre under their UCI,
    released by ``now`` (to the second), none before."""
    candidates = Candidate.objects.filter(centre_id=account.centre_id, uci=account.uci)
    return Result.objects.filter(
        centre_id=account.centre_id,
        candidate_id__in=candidates.values("pk"),
        series__results_release_at__lte=now,
    )


def page_body(rows: list[dict]) -> bytes:
    """A learner's results (their rows, in the reads' order) as the API renders them when
    they fit one page: what the long way answers and what is kept for the short way."""
    from results.serializers import for_api

    results = [for_api(row) for row in rows]
    return rendered({"count": len(rows), "next": None, "previous": None, "results": results})


def rendered(data: dict) -> bytes:
    """An answer as the API renders it for a plain JSON read."""
    from rest_framework.renderers import JSONRenderer

    return JSONRenderer().render(data)


def pages_of(ucis: dict[int, set[str]], *, now: dt.datetime) -> dict[tuple[int, str], bytes]:
    """The pages of the learners of these centres (their UCIs by centre id) as at ``now``,
    read in one query per centre: those with no more results than a page holds."""
    from results import queries

    pages: dict[tuple[int, str], bytes] = {}
    for centre_id, wanted in ucis.items():
        found = Result.objects.filter(
            centre_id=centre_id,
            candidate__uci__in=sorted(wanted),
            series__results_release_at__lte=now,
        )
        rows: dict[str, list[dict]] = {uci: [] for uci in wanted}
        for values in queries.rows(queries.chosen(found)):
            rows[values["uci"]].append(queries.row_of(values))
        for uci, own in rows.items():
            if len(own) <= PAGE_SIZE:
                pages[centre_id, uci] = page_body(own)
    return pages


def valid_until(now: dt.datetime) -> float:
    """Until when a page built at ``now`` holds: the next release instant of any series."""
    coming = (
        Series.objects.filter(results_release_at__gt=now)
        .order_by("results_release_at")
        .values_list("results_release_at", flat=True)
        .first()
    )
    return coming.timestamp() if coming is not None else now.timestamp() + 10 * 365 * 86400


def remember_session(session_key: str | None, account: LearnerAccount, *, checked: float):
    """A learner's session that a read checked (from ``checked``, when that read began),
    remembered for the short way of their next reads until it expires."""
    if not session_key:
        return
    expires = (
        StoredSession.objects.filter(session_key=session_key)
        .values_list("expire_date", flat=True)
        .first()
    )
    if expires is None:
        return
    remembered.remember(
        remembered.Session.of(session_key, account, expires=expires.timestamp()),
        checked=checked,
    )


def keep_page(account: LearnerAccount, data: dict, built: remembered.Stamps, *, now) -> None:
    """A learner's whole answer (``data``, read under ``built``) kept for the short way."""
    remembered.keep_pages(
        {(account.centre_id, account.uci): rendered(data)}, built, valid_until=valid_until(now)
    )


class PagesNotKept(Exception):
    """Redis could not take the learners' pages (the queued task is tried again)."""


def build_pages(centre_ids: Iterable[int], *, now: dt.datetime) -> int:
    """Build the pages of every learner of these centres (a chunk of the release sweep's, at
    the instant); answer how many were kept, or raise ``PagesNotKept``."""
    centre_ids = sorted(set(centre_ids))
    built = remembered.stamps(centre_ids)
    if built is None:
        raise PagesNotKept("Redis did not answer: the learners' pages were not built.")
    ucis: dict[int, set[str]] = defaultdict(set)
    for centre_id, uci in LearnerAccount.objects.active().filter(
        centre_id__in=centre_ids
    ).values_list("centre_id", "uci"):  # fmt: skip
        ucis[centre_id].add(uci)
    pages = pages_of(ucis, now=now)
    if not remembered.keep_pages(pages, built, valid_until=valid_until(now)):
        raise PagesNotKept("Redis did not answer: the learners' pages were not kept.")
    return len(pages)


def next_release(account: LearnerAccount, *, now: dt.datetime) -> Series | None:
    """The next series of the learner's with results still to come, for the countdown."""
    return (
        Series.objects.filter(
            candidates__centre_id=account.centre_id,
            candidates__uci=account.uci,
            results_release_at__gt=now,
        )
        .order_by("results_release_at")
        .first()
    )


def series_of(account: LearnerAccount):
    """The series the learner sat at the centre under their UCI, latest first."""
    return (
        Series.objects.filter(candidates__centre_id=account.centre_id, candidates__uci=account.uci)
        .order_by("-results_release_at")
        .distinct()
    )


def send_results(
    account: LearnerAccount,
    *,
    series: Series,
    recipient_name: str,
    recipient_email: str,
    reference: str = "",
    at: dt.datetime | None = None,
):
    """The learner's results of ``series`` sent to a university or employer: the centre's
    post-results request, on its clock; at once when released, else at the instant."""
    candidate = Candidate.objects.filter(
        centre_id=account.centre_id, series=series, uci=account.uci
    ).first()
    if candidate is None:
        raise PortalError(f"You have no results of {series.name} here.", field="series")
    reference = " ".join(str(reference or "").split())[:100]
    return request_service(
        centre=account.centre,
        by=account.user,
        service=Service.RESULTS_TO_INSTITUTION,
        series=series,
        candidate_number=candidate.candidate_number,
        recipient_name=recipient_name,
        recipient_email=recipient_email,
        details=f"Admissions reference: {reference}" if reference else "",
        at=at,
    )


def requests_of(account: LearnerAccount):
    """What the learner asked to be sent, latest first."""
    return (
        ServiceRequest.objects.filter(requested_by_id=account.user_id)
        .select_related("series")
        .order_by("-pk")
    )
