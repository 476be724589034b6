"""Links that confirm a new account's email address.

The same signed, expiring tokens as a password reset (Django's token generator, valid for
``PASSWORD_RESET_TIMEOUT``), with a salt of their own and the account's active flag in the
hash: a link works until the account is confirmed, then never again.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "portal.accounts.confirmation.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


email_confirmation = EmailConfirmationTokenGenerator()


def confirmation_path(user, *, url_name: str) -> str:
    """The path of the confirmation link of ``user`` (``url_name`` takes ``uidb64`` and
    ``token``)."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse(url_name, args=[uidb64, email_confirmation.make_token(user)])


def confirmation_link(user, *, url_name: str) -> str:
    return f"{settings.PORTAL_BASE_URL}{confirmation_path(user, url_name=url_name)}"


def user_to_confirm(uidb64: str, token: str):
    """The account a confirmation link names, if the link is genuine, unexpired and not
    used yet; else None."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    user = get_user_model().objects.filter(pk=pk, is_active=False).first()
    if user is None or not email_confirmation.check_token(user, token):
        return None
    return user
