from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from portal.errors import PortalError

CODE_REFUSED = (
    "That code is not right. Enter the 6-digit code your authenticator app shows now; "
    "if it keeps failing, check the time on your phone."
)


def verify_second_factor(user, *, code: str):
    """Check a two-factor code against the user's confirmed devices and return the device.

    Devices throttle themselves after wrong codes (django-otp), so guessing is slowed down
    the same way in the browser and on the API.
    """
    code = (code or "").strip().replace(" ", "")
    if not code:
        raise PortalError("Enter the 6-digit code from your authenticator app.", field="otp")
    if not code.isdigit():
        raise PortalError("The code is made of digits only.", field="otp")
    for device in devices_for_user(user, confirmed=True):
        allowed, data = device.verify_is_allowed()
        if not allowed:
            wait = (data or {}).get("locked_until")
            when = f" Try again after {wait:%H:%M:%S} UTC." if wait else " Try again shortly."
            raise PortalError("Too many wrong codes." + when, field="otp")
        if device.verify_token(code):
            return device
    raise PortalError(CODE_REFUSED, field="otp")


def start_totp_enrolment(user) -> TOTPDevice:
    """The user's unconfirmed authenticator device, made once and reused until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def confirm_totp_enrolment(device: TOTPDevice, *, code: str) -> TOTPDevice:
    code = (code or "").strip().replace(" ", "")
    if not code.isdigit() or not device.verify_token(code):
        raise PortalError(CODE_REFUSED, field="otp_token")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # One authenticator at a time: older unconfirmed attempts are dropped.
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    return device


def issue_api_token(user) -> Token:
    token, _ = Token.objects.get_or_create(user=user)
    return token
