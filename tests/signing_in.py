from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def enrol(user, *, name: str = "phone") -> TOTPDevice:
    """A confirmed authenticator app for ``user``."""
    return TOTPDevice.objects.create(user=user, name=name, confirmed=True)


def totp_code(device: TOTPDevice) -> str:
    """The code ``device``'s authenticator app shows now (at the test's clock)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def sign_in(client, user):
    """Sign ``user`` in; staff also past two-factor sign-in, as every staff page requires."""
    client.force_login(user)
    if user.is_staff:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or enrol(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def session_cookies(user) -> dict[str, str]:
    """The cookies of a browser session of ``user``, signed in as ``sign_in`` does: made once,
    handed to clients made later (``client_with``)."""
    from django.test import Client

    return {name: morsel.value for name, morsel in sign_in(Client(), user).cookies.items()}


def client_with(cookies: dict[str, str], **options):
    """A browser client of its own carrying ``cookies`` (a session of ``session_cookies``)."""
    from django.test import Client

    client = Client(**options)
    for name, value in cookies.items():
        client.cookies[name] = value
    return client


def api_as(user):
    """An API client acting as ``user`` (authentication itself is tested in tests/accounts)."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client
