"""The learner's own page (``/learner/``) and the officers' page of learners given access
(``/learner-accounts/``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from entries.queries import acting_centre
from portal.api.pagination import BoundedCountPaginator
from portal.errors import PortalError
from portal.permissions import centres_visible_to, is_staff_user
from results import queries
from results.learners import services
from results.learners.forms import GiveAccessForm, SendResultsForm
from results.learners.models import LearnerAccount

PAGE_SIZE = 50


def countdown_text(release_at, now) -> str:
    """The time left to a release, in the active language (the page's script counts on)."""
    left = max(0, int((release_at - now).total_seconds()))
    days, rest = divmod(left, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    words = {
        "day": ngettext("%d day", "%d days", days) % days,
        "hour": ngettext("%d hour", "%d hours", hours) % hours,
        "minute": ngettext("%d minute", "%d minutes", minutes) % minutes,
        "second": ngettext("%d second", "%d seconds", seconds) % seconds,
    }
    if days:
        return f"{words['day']}, {words['hour']}"
    if hours:
        return f"{words['hour']}, {words['minute']}"
    return f"{words['minute']}, {words['second']}"


@login_required
@require_http_methods(["GET", "POST"])
def home(request):
    """The learner's results, from each series' release instant; before the next one, a
    countdown in the learner's (their centre's) time zone."""
    account = services.learner_account_of(request.user)
    if account is None:
        raise PermissionDenied("This page is for learners signed in with their own account.")
    now = timezone.now()
    zone = account.centre.zone
    rows = [
        queries.row_of(values)
        for values in queries.rows(queries.chosen(services.results_of(account, now=now)))[:200]
    ]
    series = {}
    for row in rows:
        series.setdefault(row["series"], []).append(row)
    coming = services.next_release(account, now=now)
    sat = list(services.series_of(account))
    form = SendResultsForm(request.POST or None, series=sat)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.send_results(
                account,
                series=next(s for s in sat if s.code == data["series"]),
                recipient_name=data["recipient_name"],
                recipient_email=data["recipient_email"],
                reference=data["reference"],
            )
        except PortalError as error:
            error.onto(form)
        else:
            went = case.status == case.Status.SENT
            told = (
                _("%(reference)s: your results were sent.")
                if went
                else _("%(reference)s: your results go at the instant they are released.")
            )
            messages.success(request, told % {"reference": case.reference})
            return redirect("learners:home")
    context = {
        "account": account,
        "series": series,
        "coming": coming,
        "zone": zone.key,
        "form": form,
        "requests": services.requests_of(account)[:20],
        "statement_query": urlencode(
            {
                "name": f"{account.user.first_name} {account.user.last_name}".strip(),
                "email": account.email,
                "uci": account.uci,
            }
        ),
    }
    if coming is not None:
        context.update(
            # In the learner's language and their centre's zone.
            when=formats.date_format(coming.results_release_at.astimezone(zone), "DATETIME_FORMAT"),
            release_iso=coming.results_release_at.isoformat(),
            countdown=countdown_text(coming.results_release_at, now),
        )
    response = render(request, "learners/home.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


def _officer(request):
    if services.is_learner(request.user):
        raise PermissionDenied("A learner's account sees only its own results.")


@login_required
@require_http_methods(["GET", "POST"])
def accounts(request):
    """The centre's learners with access; give a candidate access."""
    _officer(request)
    staff = is_staff_user(request.user)
    centres = list(centres_visible_to(request.user).order_by("number")) if not staff else []
    form = GiveAccessForm(request.POST or None, centres=centres, staff=staff)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            centre = acting_centre(request.user, data.get("centre") or None)
            account, created = services.give_access(
                centre=centre,
                series=data["series"],
                candidate_number=data["candidate_number"],
                email=data["email"],
                language=data["language"],
                by=request.user,
            )
        except PortalError as error:
            error.onto(form)
        else:
            if created:
                messages.success(request, f"{account.uci} has access: an email is on its way.")
            else:
                messages.info(request, f"{account.uci} already has access, as {account.email}.")
            return redirect("learners:accounts")
    found = LearnerAccount.objects.active().select_related("user", "centre")
    if not staff:
        found = found.visible_to(request.user, listed=True)
    # Newest first: an officer's page is read from the index of the centre's accounts in use
    # (``learner_centre_newest``), staff's from the primary key's (every centre's in the
    # order they were given), never by sorting all of them.
    found = found.order_by("-pk") if staff else found.order_by("-created_at", "-pk")
    page = BoundedCountPaginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "learners/accounts.html",
        {"form": form, "page_obj": page, "accounts": page.object_list},
    )


def _account_or_404(request, pk: int) -> LearnerAccount:
    # Another centre's learner answers as one that does not exist.
    return LearnerAccount.objects.active().get_visible_or_404(request.user, pk=pk)


@login_required
@require_POST
def resend(request, pk: int):
    _officer(request)
    account = _account_or_404(request, pk)
    services.resend_invitation(account, by=request.user)
    messages.success(request, f"A new invitation is on its way to {account.email}.")
    return redirect("learners:accounts")


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, pk: int):
    """Asks first (GET), then withdraws (POST)."""
    _officer(request)
    account = _account_or_404(request, pk)
    if request.method == "GET":
        return render(request, "learners/withdraw.html", {"account": account})
    services.withdraw_access(account, by=request.user)
    messages.success(request, f"{account.uci} can no longer sign in.")
    return redirect("learners:accounts")
