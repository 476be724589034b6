from django.conf import settings
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed


def staff_need_two_factor(user) -> bool:
    """Whether this member of staff is refused the API until two-factor sign-in.

    The public contract asks for a code only from users who enrolled a device, so by default
    staff without one still use the API with a password; a deployment that wants every staff
    session and token behind a second factor sets STAFF_API_TWO_FACTOR.
    """
    return settings.STAFF_API_TWO_FACTOR and user.is_staff


STAFF_NEED_TWO_FACTOR = (
    "Staff accounts use the API only after two-factor sign-in: set up an authenticator app "
    "in the portal and sign in with its code."
)


class VerifiedSessionAuthentication(SessionAuthentication):
    """The browser session, except that staff may have to pass two-factor sign-in first."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = request._request.user
        if staff_need_two_factor(user) and not user.is_verified():
            raise AuthenticationFailed(STAFF_NEED_TWO_FACTOR)
        return result
