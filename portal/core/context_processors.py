from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from portal.centres.models import Membership
from portal.i18n import language_tag


def portal(request: HttpRequest) -> dict[str, Any]:
    """The portal's name; for a signed-in person who is not staff, whether they belong to a
    centre (the officer's menu is theirs only then), asked only on pages that show it."""
    context: dict[str, Any] = {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "LANGUAGE_TAG": language_tag(translation.get_language() or settings.LANGUAGE_CODE),
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and not user.is_staff:
        context["centre_member"] = SimpleLazyObject(
            lambda: Membership.objects.filter(user=user).exists()
        )
    return context
