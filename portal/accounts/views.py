"""Signing in, with a second step for people who have enrolled an authenticator app."""

import segno
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from portal.accounts import services
from portal.accounts.forms import OTPTokenForm
from portal.errors import PortalError
from portal.http import safe_next

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
    next_url = safe_next(
        request, request.POST.get("next") or request.GET.get("next"), reverse("home")
    )
    if request.user.has_two_factor:
        if not request.user.is_verified():
            # Enrolled earlier but signed in without the code (e.g. a password reset):
            # prove it now.
            request.session[PENDING_USER] = request.user.pk
            request.session[PENDING_BACKEND] = request.session.get(BACKEND_SESSION_KEY)
            request.session[PENDING_NEXT] = next_url
            return redirect("accounts:verify")
        return render(request, "accounts/two_factor_done.html", {"next": next_url})
    device = services.start_totp_enrolment(request.user)
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
                "Two-factor sign-in is set up. You will be asked for a code each time you sign in.",
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


def device_key_base32(device) -> str:
    from base64 import b32encode

    return b32encode(device.bin_key).decode()


def _group(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
