"""Signing in, with a second step for people who have enrolled an authenticator app."""

from functools import wraps
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django.views.generic import ListView
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts import services
from portal.accounts.forms import OTPTokenForm
from portal.accounts.models import ApiToken
from portal.errors import PortalError
from portal.http import safe_next
from portal.zones import viewer_zone

PENDING_USER = "two_factor_pending_user"
PENDING_BACKEND = "two_factor_pending_backend"
PENDING_NEXT = "two_factor_pending_next"


class LoginView(auth_views.LoginView):
    """Password first; a user with an authenticator app is then asked for its code."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if user.has_two_factor:
            # Not signed in yet: the session only remembers who passed the password step.
            self.request.session[PENDING_USER] = user.pk
            self.request.session[PENDING_BACKEND] = user.backend
            self.request.session[PENDING_NEXT] = self.get_success_url()
            return redirect("accounts:verify")
        login(self.request, user)
        if user.is_staff:
            messages.info(
                self.request,
                "Staff tools need two-factor sign-in. Set up your authenticator app to continue.",
            )
            return redirect(f"{reverse('accounts:two_factor_setup')}?next={self.get_success_url()}")
        return redirect(self.get_success_url())


@sensitive_post_parameters("otp_token")
@require_http_methods(["GET", "POST"])
def verify(request):
    user_id = request.session.get(PENDING_USER)
    if user_id is None:
        return redirect("accounts:login")
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        request.session.pop(PENDING_USER, None)
        return redirect("accounts:login")
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.verify_second_factor(user, code=form.cleaned_data["otp_token"])
        except PortalError as error:
            form.add_error("otp_token", error.message)
        else:
            backend = request.session.get(PENDING_BACKEND)
            next_url = request.session.get(PENDING_NEXT) or reverse("home")
            login(request, user, backend=backend)
            otp_login(request, device)
            return redirect(safe_next(request, next_url, reverse("home")))
    return render(request, "accounts/verify.html", {"form": form, "pending_user": user})


@login_required
@sensitive_post_parameters("otp_token")
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Explain two-factor sign-in, start it on a POST, and confirm it with a first code.

    Opening the page never creates anything: the unconfirmed device is made only when the
    person asks for it, so following a menu link leaves no half-enrolled account behind.
    """
    next_url = safe_next(
        request, request.POST.get("next") or request.GET.get("next"), reverse("home")
    )
    user = request.user
    if user.has_two_factor:
        if not user.is_verified():
            # Enrolled earlier but signed in without the code (e.g. a password reset):
            # prove it now.
            request.session[PENDING_USER] = user.pk
            request.session[PENDING_BACKEND] = request.session.get(BACKEND_SESSION_KEY)
            request.session[PENDING_NEXT] = next_url
            return redirect("accounts:verify")
        return render(request, "accounts/two_factor_done.html", {"next": next_url})
    if request.method == "POST" and request.POST.get("action") == "start":
        services.start_totp_enrolment(user)
        return redirect(f"{reverse('accounts:two_factor_setup')}?{urlencode({'next': next_url})}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        # Not started (or a stale form posted a code): the page that explains and offers it.
        return render(request, "accounts/two_factor_intro.html", {"next": next_url})
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.confirm_totp_enrolment(device, code=form.cleaned_data["otp_token"])
        except PortalError as error:
            form.add_error("otp_token", error.message)
        else:
            otp_login(request, device)
            messages.success(
                request,
                "Two-factor sign-in is set up. You will be asked for a code each time you sign "
                "in, and API tokens issued before now have ended.",
            )
            return redirect(next_url)
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "qr_svg": qr.svg_data_uri(scale=5, dark="#0b0c0c"),
        "secret": _group(device_key_base32(device)),
        "next": next_url,
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """Recovery codes: how many are left, and new ones on a POST, shown on that answer only."""
    user = request.user
    if not user.has_two_factor:
        return redirect("accounts:two_factor_setup")
    if not user.is_verified():
        # Signed in without the second step (a password reset): prove it first.
        request.session[PENDING_USER] = user.pk
        request.session[PENDING_BACKEND] = request.session.get(BACKEND_SESSION_KEY)
        request.session[PENDING_NEXT] = reverse("accounts:recovery_codes")
        return redirect("accounts:verify")
    codes = None
    if request.method == "POST":
        codes = [f"{code[:4]}-{code[4:]}" for code in services.issue_recovery_codes(user)]
    response = render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "left": services.recovery_codes_left(user)},
    )
    # The codes are in this answer only: never kept by a browser or a proxy.
    response["Cache-Control"] = "no-store"
    return response


def _two_factor_if_staff(view):
    """Staff pass two-factor sign-in first: pages under /accounts/ are open to them before it
    (to sign in at all), but their tokens are as powerful as their staff tools."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_staff and not request.user.is_verified():
            setup = reverse("accounts:two_factor_setup")
            return redirect(f"{setup}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapped


@method_decorator([login_required, _two_factor_if_staff], name="dispatch")
class ApiTokenListView(ListView):
    """The API tokens the signed-in person holds, one per device; never the tokens."""

    template_name = "accounts/api_tokens.html"
    context_object_name = "tokens"

    def get_queryset(self):
        return ApiToken.objects.of(self.request.user).live()

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"zone": viewer_zone(self.request.user)}


@login_required
@_two_factor_if_staff
@require_http_methods(["GET", "POST"])
def revoke_api_token(request, public_id):
    token = get_object_or_404(ApiToken.objects.of(request.user).live(), public_id=public_id)
    if request.method == "POST":
        services.revoke_api_token(token)
        messages.success(request, f"The token of “{token.device_name}” is revoked.")
        return redirect("accounts:api_tokens")
    return render(request, "accounts/api_token_revoke.html", {"token": token})


@login_required
@_two_factor_if_staff
@require_http_methods(["GET", "POST"])
def revoke_all_api_tokens(request):
    if request.method == "POST":
        count = services.end_api_tokens(request.user)
        messages.success(
            request, f"{count} token{'' if count == 1 else 's'} revoked: no device holds one now."
        )
        return redirect("accounts:api_tokens")
    count = ApiToken.objects.of(request.user).live().count()
    return render(request, "accounts/api_token_revoke.html", {"count": count})


def device_key_base32(device) -> str:
    from base64 import b32encode

    return b32encode(device.bin_key).decode()


def _group(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
