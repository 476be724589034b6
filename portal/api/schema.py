from drf_spectacular.authentication import SessionScheme
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme


class VerifiedSessionScheme(SessionScheme):
    """Documents the browser session (with its two-factor rule for staff) like Django's."""

    target_class = "portal.api.authentication.VerifiedSessionAuthentication"
    name = "cookieAuth"


class ApiTokenScheme(KnoxTokenScheme):
    target_class = "portal.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"
