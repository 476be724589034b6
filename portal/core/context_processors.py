from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from portal.i18n import language_tag
from portal.workflow import centre_ids_of


def portal(request: HttpRequest) -> dict[str, Any]:
    """The portal's name; for a signed-in person who is not staff, whether they belong to a
    centre (the officer's menu is theirs only then), asked only on pages that show it."""
    context: dict[str, Any] = {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "LANGUAGE_TAG": language_tag(translation.get_language() or settings.LANGUAGE_CODE),
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and not user.is_staff:
        # The centres' ids the request's other checks read (once a request).
        context["centre_member"] = SimpleLazyObject(lambda: bool(centre_ids_of(user)))
    return context
