from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed

STAFF_NEED_TWO_FACTOR = (
    "Staff accounts use the API only after two-factor sign-in: set up an authenticator app "
    "in the portal and sign in with its code."
)


class VerifiedSessionAuthentication(SessionAuthentication):
    """The browser session, except that staff must have passed two-factor sign-in.

    Without this, a member of staff signed in with a password alone would hold every staff
    power through the API that the staff area itself refuses them.
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = request._request.user
        if user.is_staff and not user.is_verified():
            raise AuthenticationFailed(STAFF_NEED_TWO_FACTOR)
        return result
