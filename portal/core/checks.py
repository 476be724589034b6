"""System checks of the portal's own settings."""

from django.conf import settings
from django.core.checks import Warning, register


@register("portal")
def check_base_url_is_https(app_configs=None, **kwargs):
    """Links in emails lead people to sign in: in production they must not go over plain
    HTTP, where the session cookie (HTTPS-only) would not even be sent."""
    if settings.DEBUG or settings.PORTAL_BASE_URL.startswith("https://"):
        return []
    return [
        Warning(
            f"PORTAL_BASE_URL is {settings.PORTAL_BASE_URL!r}: links in emails will not use HTTPS.",
            hint="Set PORTAL_BASE_URL to the https:// address people reach the portal at.",
            id="portal.W001",
        )
    ]
