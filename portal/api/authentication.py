from django.conf import settings
from django.utils import timezone
from knox.auth import TokenAuthentication
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied


def staff_need_two_factor(user) -> bool:
    """Whether this member of staff must pass two-factor sign-in to use the API.

    Staff hold powers over every centre, so by default (STAFF_API_TWO_FACTOR) their tokens
    and browser sessions reach the API only after a code from an authenticator app. Exams
    officers are asked for a code only if they enrolled one (the public contract).
    """
    return settings.STAFF_API_TWO_FACTOR and user.is_staff


STAFF_NEED_TWO_FACTOR = (
    "Staff accounts use the API only after two-factor sign-in: set up an authenticator app "
    "in the portal (Two-factor, in the account menu), then sign in with its code."
)


class ApiTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <token>``: a per-device token that expires (django-rest-knox)."""

    def authenticate_credentials(self, token):
        try:
            token.decode("utf-8")
        except UnicodeDecodeError:
            raise AuthenticationFailed("Invalid token.") from None
        return super().authenticate_credentials(token)

    def _cleanup_token(self, auth_token) -> bool:
        """The token presented is refused once expired, and removed. knox would also read
        every other token of its person at each request, to remove those expired: a query
        that grows with a school system's tokens. Housekeeping removes them instead (the
        ``portal.housekeeping`` task, through ``accounts.services.sweep_expired_api_tokens``)."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False

    def validate_user(self, auth_token):
        from portal.accounts.services import record_api_token_use

        user, auth_token = super().validate_user(auth_token)
        # A token issued on a password alone, before the rule applied to this person.
        if staff_need_two_factor(user) and not auth_token.two_factor:
            raise AuthenticationFailed(STAFF_NEED_TWO_FACTOR)
        record_api_token_use(auth_token)
        return user, auth_token


class VerifiedSessionAuthentication(SessionAuthentication):
    """The browser session, except that staff may have to pass two-factor sign-in first."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = request._request.user
        if staff_need_two_factor(user) and not user.is_verified():
            # Signed in, but not far enough: 403 (401 would tell the browser to sign in again).
            raise PermissionDenied(STAFF_NEED_TWO_FACTOR)
        return result


class RememberedOfficerTokenAuthentication(ApiTokenAuthentication):
    """The token check of a read that officers make by the thousand (the results on results
    day): a token remembered lately (portal/api/remembered.py) is taken on one read of the
    person, with the centres remembered with it; any other takes the full check."""

    def authenticate_credentials(self, token):
        import time

        from portal.accounts.models import User
        from portal.api import remembered

        digest = remembered.digest_of(token.decode("utf-8", "replace"))
        officer = remembered.recall(digest, now=time.time()) if digest else None
        if officer is not None:
            user = User.objects.filter(pk=officer.user_id, is_active=True, is_staff=False).first()
            if user is not None:
                user._portal_centre_ids = officer.centre_ids
                return user, officer
        return super().authenticate_credentials(token)
