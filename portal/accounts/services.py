import math
import re
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts.models import ApiToken
from portal.errors import PortalError
from portal.housekeeping import delete_in_batches

CODE_REFUSED = (
    "That code is not right. Enter the 6-digit code your authenticator app shows now; "
    "if it keeps failing, check the time on your phone."
)
# django-otp locks a device for 1, 2, 4 ... seconds after each wrong code in a row. A person
# who mistypes retypes at once, so the first slips are let through and the wait starts
# with this many wrong codes in a row: guessing is still slowed down exponentially.
FREE_WRONG_CODES = 2
DEVICE_NAME_MAX = 100
UNNAMED_DEVICE = "Unnamed device"


# Recovery codes: django-otp's static tokens, eight letters and digits (base32), ten at a time.
RECOVERY_CODES = 10
RECOVERY_DEVICE = "Recovery codes"
RECOVERY_CODE = re.compile(r"^[a-z2-7]{8}$")


def _clean_code(code: str, *, field: str, recovery: bool = False) -> str:
    code = (code or "").strip().replace(" ", "").replace("-", "")
    if not code:
        raise PortalError("Enter the 6-digit code from your authenticator app.", field=field)
    if recovery and RECOVERY_CODE.match(code.lower()):
        return code.lower()
    if not code.isdigit():
        raise PortalError(
            "The code is made of digits only"
            + (" (a recovery code: eight letters and digits)." if recovery else "."),
            field=field,
        )
    return code


def _wait_words(seconds: float) -> str:
    seconds = max(1, math.ceil(seconds))
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minutes"


def _check_code(device, code: str, *, field: str) -> bool:
    """Verify ``code`` on ``device``, refusing with a wait only after repeated wrong codes."""
    allowed, data = device.verify_is_allowed()
    if not allowed:
        data = data or {}
        if data.get("failure_count", 0) >= FREE_WRONG_CODES and data.get("locked_until"):
            wait = (data["locked_until"] - timezone.now()).total_seconds()
            raise PortalError(
                f"Too many wrong codes in a row. Wait {_wait_words(wait)}, then enter the "
                "code your authenticator app shows.",
                field=field,
            )
        # Within the free slips: forget django-otp's short lock for this one check; a wrong
        # code still counts towards the wait.
        device.throttling_failure_timestamp = None
    return device.verify_token(code)


def verify_second_factor(user, *, code: str, field: str = "otp"):
    """Check a two-factor code against the user's confirmed devices and return the device.

    Devices throttle themselves after wrong codes (django-otp), so guessing is slowed down
    the same way in the browser and on the API.
    """
    code = _clean_code(code, field=field, recovery=True)
    # A recovery code is tried on the recovery codes only, an app's code on the apps only:
    # neither counts as a wrong code against the other (and its wait).
    recovery = not code.isdigit()
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True):
            if isinstance(device, StaticDevice) != recovery:
                continue
            # Locked: guesses sent at once queue here, so each wrong one counts before the
            # next is checked and the device's throttle holds.
            device = type(device).objects.select_for_update().get(pk=device.pk)
            if _check_code(device, code, field=field):
                return device
    raise PortalError(CODE_REFUSED, field=field)


def start_totp_enrolment(user) -> TOTPDevice:
    """The user's unconfirmed authenticator device, made once and reused until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def confirm_totp_enrolment(device: TOTPDevice, *, code: str) -> TOTPDevice:
    """Turn on two-factor sign-in with a first right code.

    1. Check the code against the new device (with the same wait after repeated slips).
    2. Confirm the device and drop any other unconfirmed attempt.
    3. End every API token: each was issued on a password alone.
    """
    code = _clean_code(code, field="otp_token")
    if not _check_code(device, code, field="otp_token"):
        raise PortalError(CODE_REFUSED, field="otp_token")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # One authenticator at a time: older unconfirmed attempts are dropped.
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    end_api_tokens(device.user)
    return device


@transaction.atomic
def issue_recovery_codes(user) -> list[str]:
    """Ten new recovery codes for ``user``, replacing any earlier ones; each signs in once in
    place of an authenticator's code. The codes are answered here and never shown again.

    Only for someone with an authenticator app: recovery codes back it up, never replace it.
    """
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise PortalError("Set up your authenticator app before making recovery codes.")
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE, defaults={"confirmed": True}
    )
    device = StaticDevice.objects.select_for_update().get(pk=device.pk)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def device_name_from(*, given: str = "", user_agent: str = "") -> str:
    """The name a token's device goes by: the one given, else the User-Agent, shortened."""
    for candidate in (given, user_agent):
        name = " ".join("".join(ch for ch in candidate if ch.isprintable()).split())
        if name:
            return name[:DEVICE_NAME_MAX]
    return UNNAMED_DEVICE


def issue_api_token(user, *, device_name: str, two_factor: bool) -> tuple[ApiToken, str]:
    """A new token for one device of ``user``; the clear token is returned once, never kept."""
    return ApiToken.objects.create(
        user,
        expiry=timedelta(hours=settings.API_TOKEN_TTL_HOURS),
        device_name=device_name,
        two_factor=two_factor,
    )


def revoke_api_token(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).delete()


def end_api_tokens(user) -> int:
    """End every API token of ``user`` (all devices); returns how many there were."""
    deleted, _ = ApiToken.objects.of(user).delete()
    return deleted


def record_api_token_use(token: ApiToken, *, now=None) -> None:
    """Remember when a token was last used, writing at most once a minute per token.

    A conditional update rather than a save: concurrent requests with one token write once,
    and a read-heavy client does not cost a write per request.
    """
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < timedelta(minutes=1):
        return
    ApiToken.objects.filter(pk=token.pk, last_used_at=token.last_used_at).update(last_used_at=now)
    token.last_used_at = now


def sweep_expired_api_tokens(*, now=None, batch: int = 1000) -> int:
    """Delete expired tokens in bounded batches; returns how many were deleted."""
    return delete_in_batches(ApiToken.objects.expired(now), batch=batch)
