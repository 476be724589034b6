"""One-click unsubscribe from a kind of email (RFC 8058), for mailings sent to many people.

Each email of an event sent with ``unsubscribe=True`` carries a link of its own: a signed
token naming the person and the kind, so that following it needs no signing in. Opening the
link asks to confirm (a mail system that fetches links to scan them changes nothing); a POST
to it, from that page or from a mail program's own button (``List-Unsubscribe-Post``), stops
that kind of email, exactly as unticking it in the person's email choices does.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "portal.notifications.unsubscribe"


def _signer() -> signing.Signer:
    # No timestamp: a newsletter kept for a year still unsubscribes, and each person's link
    # for a kind is always the same.
    return signing.Signer(salt=SALT)


def unsubscribe_token(user_id: int, kind: str) -> str:
    return _signer().sign_object([user_id, kind])


def read_token(token: str) -> tuple[int, str]:
    """The person and kind a token names; ``signing.BadSignature`` for one we did not sign."""
    value = _signer().unsign_object(token)
    if not (isinstance(value, list) and len(value) == 2):
        raise signing.BadSignature("Not an unsubscribe token.")
    user_id, kind = value
    if not isinstance(user_id, int) or not isinstance(kind, str):
        raise signing.BadSignature("Not an unsubscribe token.")
    return user_id, kind


def unsubscribe_url(user_id: int, kind: str) -> str:
    path = reverse("notifications:unsubscribe", args=[unsubscribe_token(user_id, kind)])
    return f"{settings.PORTAL_BASE_URL}{path}"


def unsubscribe_headers(url: str) -> dict[str, str]:
    """The headers that let a mail program offer its own one-click unsubscribe button."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
