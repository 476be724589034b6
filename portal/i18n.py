"""The language pages are shown in: the one a person chose with the language chooser (its
cookie, ``set_language``), else the portal's own. A browser's Accept-Language alone does not
switch it.

Learners and people not signed in (sign-in, password and public pages) read the language
they chose. Exams officers and staff read theirs only where ``STAFF_LANGUAGES`` lists it: the
languages whose catalogue translates the officers' and staff's pages too (every template is
marked). Until then those pages stay in the portal's language, since a page half in another
language would be worse than one in English. Offering officers a language is its catalogue
and a line in that setting."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


def chosen_language(request: HttpRequest) -> str:
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    try:
        return translation.get_supported_language_variant(code) if code else settings.LANGUAGE_CODE
    except LookupError:
        return settings.LANGUAGE_CODE


class ChosenLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = chosen_language(request)
        if language not in settings.STAFF_LANGUAGES and _works_here(request):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def language_tag(code: str) -> str:
    """A language code as HTML's ``lang`` writes it (BCP 47): en-gb → en-GB, zh-hans → zh-Hans."""
    language, _, region = code.partition("-")
    if not region:
        return language
    return f"{language}-{region.upper() if len(region) == 2 else region.title()}"


def _works_here(request: HttpRequest) -> bool:
    """Whether the person signed in is an exams officer or staff (anyone but a learner)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_staff) or not hasattr(user, "learner_account")
