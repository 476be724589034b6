from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def sign_in(client, user):
    """Sign ``user`` in; staff also past two-factor sign-in, as every staff page requires."""
    client.force_login(user)
    if user.is_staff:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def api_as(user):
    """An API client acting as ``user`` (authentication itself is tested in tests/accounts)."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client
