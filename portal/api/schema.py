from drf_spectacular.authentication import SessionScheme


class VerifiedSessionScheme(SessionScheme):
    """Documents the browser session (with its two-factor rule for staff) like Django's."""

    target_class = "portal.api.authentication.VerifiedSessionAuthentication"
    name = "cookieAuth"
