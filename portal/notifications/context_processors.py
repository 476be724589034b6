from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from portal.notifications.services import unread_count


def unread_notices(request: HttpRequest) -> dict[str, object]:
    """The unread count for the header: one count, and only on pages that show it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": SimpleLazyObject(lambda: unread_count(user))}
