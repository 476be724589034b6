"""The centre's own pages: its details, its users and the invitations waiting for an answer,
for the centre's officers; and the page an invitation's link opens, for the person invited."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from centres import services
from centres.forms import CentreDetailsForm, InviteForm, JoinForm
from portal import audit
from portal.centres.models import Centre, Invitation, Membership
from portal.centres.programmes import Programme
from portal.errors import PortalError
from portal.permissions import centres_visible_to, is_staff_user
from portal.zones import viewer_zone

LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def get_centre_or_404(user, number: str) -> Centre:
    """The one way the pages reach a centre: another centre answers 404."""
    return get_object_or_404(centres_visible_to(user), number=number)


def _managed_centre(request, number: str) -> Centre:
    centre = get_centre_or_404(request.user, number)
    if not services.may_manage(centre, request.user):
        raise PermissionDenied("Your role does not change centres.")
    return centre


def _form_page(request, form, *, title: str, submit: str, centre: Centre, intro: str = ""):
    context = {"form": form, "title": title, "submit": submit, "centre": centre, "intro": intro}
    return render(request, "centres/form.html", context, status=400 if form.errors else 200)


@login_required
def centre_detail(request, number):
    centre = get_centre_or_404(request.user, number)
    members = centre.memberships.select_related("user").order_by("user__username")
    context = {
        "centre": centre,
        "members": members,
        "invitations": centre.invitations.pending().select_related("invited_by"),
        "programmes": [Programme(p).label for p in centre.programmes if p in Programme.values],
        "manage": services.may_manage(centre, request.user),
        "zone": viewer_zone(request.user) if is_staff_user(request.user) else centre.zone,
        "last_officer": members.filter(role=Membership.Role.EXAMS_OFFICER).count() == 1,
        "history": audit.history_of(centre).order_by("-at", "-pk")[:20],
    }
    return render(request, "centres/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit_details(request, number):
    centre = _managed_centre(request, number)
    initial = {"name": centre.name, "email": centre.email, "timezone": centre.timezone}
    form = CentreDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_centre_details(
                centre,
                by=request.user,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                timezone_name=form.cleaned_data["timezone"],
            )
        except PortalError as error:
            error.onto(form)
        else:
            messages.success(request, f"The details of {centre.number} are saved.")
            return redirect("centres:detail", centre.number)
    return _form_page(
        request, form, title=f"Change the details of {centre.number}", submit="Save", centre=centre
    )


@login_required
@require_http_methods(["GET", "POST"])
def invite(request, number):
    centre = _managed_centre(request, number)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _ = services.invite_colleague(
                centre,
                by=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except PortalError as error:
            error.onto(form)
        else:
            messages.success(
                request,
                f"Invitation sent to {invitation.email}. The link works until "
                f"{timezone.localtime(invitation.expires_at, centre.zone):%-d %b %Y}.",
            )
            return redirect("centres:detail", centre.number)
    return _form_page(
        request,
        form,
        title=f"Invite a colleague to {centre.number}",
        submit="Send the invitation",
        centre=centre,
        intro="They get an email with a link to accept. If they have no account yet, they "
        "create one from the link. Inviting an address again replaces the earlier link.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def remove_user(request, number, username):
    centre = _managed_centre(request, number)
    membership = get_object_or_404(
        centre.memberships.select_related("user"), user__username=username
    )
    if request.method == "POST":
        try:
            services.remove_member(membership, by=request.user)
        except PortalError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{membership.user} no longer has access to {centre.number}.")
            if membership.user_id == request.user.pk and not request.user.is_staff:
                return redirect("home")
        return redirect("centres:detail", centre.number)
    return render(request, "centres/remove.html", {"centre": centre, "membership": membership})


@login_required
@require_POST
def withdraw_invitation(request, number, pk):
    centre = _managed_centre(request, number)
    invitation = get_object_or_404(centre.invitations, pk=pk)
    try:
        services.withdraw_invitation(invitation, by=request.user)
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The invitation to {invitation.email} is withdrawn.")
    return redirect("centres:detail", centre.number)


@never_cache
@sensitive_variables("token")
@sensitive_post_parameters("password", "password_again")
@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """What the link in an invitation opens.

    Signed in as the address invited: a button to join. Signed in as anyone else: why not,
    and what to do. Signed out: sign in, or create an account with the address invited.
    Used, withdrawn, expired or unknown links say so (410 or 404), whoever opens them.
    """
    found = services.invitation_for(token)
    context = {"invitation": found, "sign_in_next": request.path}
    if found is None:
        context["problem"] = "This invitation link is not valid: check it was copied whole."
        return render(request, "centres/invitation.html", context, status=404)
    try:
        services.check_usable(found)
    except PortalError as error:
        context["problem"] = error.message
        return render(request, "centres/invitation.html", context, status=410)
    user = request.user
    if user.is_authenticated:
        try:
            services.check_invitee(found, user)
        except PortalError as error:
            context["refused"] = error.message
            return render(request, "centres/invitation.html", context, status=403)
        if request.method == "POST":
            return _accept(request, token, found)
        return render(request, "centres/invitation.html", context)
    form = JoinForm(request.POST or None)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_account_and_accept(
                token,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                password=data["password"],
            )
        except PortalError as error:
            error.onto(form)
        else:
            login(request, user, backend=LOGIN_BACKEND)
            messages.success(
                request,
                f"Welcome. Your account is made and you are one of {found.centre.number}'s users.",
            )
            return redirect("centres:detail", found.centre.number)
    status = 400 if form.errors else 200
    return render(request, "centres/invitation.html", context, status=status)


def _accept(request, token, found: Invitation):
    try:
        services.accept_invitation(token, user=request.user)
    except PortalError as error:
        messages.error(request, error.message)
        return redirect("centres:invitation", token)
    messages.success(request, f"You are now one of {found.centre.number}'s users.")
    return redirect("centres:detail", found.centre.number)
