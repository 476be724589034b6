"""The language pages are shown in: the one a person chose with the language chooser (its
cookie, ``set_language``), else the portal's own. A browser's Accept-Language alone does not
switch it: only the learners' pages are translated so far, and an officer's page half in
another language would be worse than one in English."""

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
