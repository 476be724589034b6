"""The results-day reads: thousands of school systems asking for a series' results with
their tokens, and hundreds of thousands of learners asking for their own with their
browsers' sessions, in the same minute.

``ResultsDayMiddleware`` stands near the top of the middleware and answers the plainest of
these reads from one round trip to the cache: an officer's page of a series by a token
remembered lately (``_officers_short_way``), a learner's own results by a session remembered
since sign-in (``_learners_short_way``, results/learners/remembered.py). It adds the headers
the middleware below it would (security, content security policy, framing, language).
Anything else goes down the whole stack to the long way, the API's own lists, which check, build,
cache and remember. Both ways answer the same bytes and headers
(tests/results/test_officers_read.py, tests/results/learners/test_learners_read.py).

A short answer passes no throttle: the throttles keep the database from being overrun, and
a short answer does not touch it; what it answers is the reader's own, as the long way
would. Anything with a body, or that the guards would refuse, takes the long way.
"""

import datetime as dt
import io
import logging
import re
import time
from collections.abc import Iterable
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost, SuspiciousOperation
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.middleware.security import SecurityMiddleware
from django.urls import path, resolve
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from entries.models import Series
from portal.api import remembered
from portal.guards import HostileInput, check_request
from portal.i18n import chosen_language
from results import queries
from results.api import ResultViewSet
from results.learners import remembered as learners_remembered
from results.models import Result

logger = logging.getLogger(__name__)

# The list's own view, as the router makes it: the long way of ``officers_read``.
results_list = ResultViewSet.as_view(
    {"get": "list"}, basename="result", detail=False, suffix="List"
)
# What the short way answers: a series' page (queries.PAGE_PARAMETERS) that DRF would
# render as plain JSON (no ``Accept`` media type parameters such as ``indent``).
SHORT_WAY_ACCEPT = {"", "*/*", "application/*", "application/json"}


# Results are a person's own: no shared cache keeps them, no browser stores them.
PRIVATE = "private, no-store"
OFFICERS_PATH = "/api/v1/results/"
LEARNERS_PATH = "/api/v1/learner/results/"
# What a series' code and a page's numbers look like; anything else takes the long way
# (where the guards refuse what is hostile).
SERIES_CODE = re.compile(r"[A-Za-z0-9_-]{1,10}")
WHOLE_NUMBER = re.compile(r"[0-9]{1,6}")
SESSION_KEY = re.compile(r"[a-z0-9]{32}")


def _officers_short_way(request) -> bytes | None:
    """The answer to an officer's results read from the cache alone, or None.

    Steps: only a plain ``GET`` of a series' page with an ``Authorization: Token`` header,
    no session cookie (a person signed in in a browser reads in the language and with the
    session their sign-in gives) and an ``Accept`` that DRF would answer with JSON; the
    token's centres as this process last saw them remembered, else as remembered by any
    process (portal/api/remembered.py), else None; the page as cached for those centres
    under the series' release instant and generations, read in one round trip with the
    token's memory, else None: the token no longer remembered with those centres, or
    nothing cached since the last change.
    """
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None
    params = request.GET
    if not params.get("series") or not set(params) <= queries.PAGE_PARAMETERS:
        return None
    if any(len(params.getlist(name)) != 1 for name in params):
        return None
    if not SERIES_CODE.fullmatch(params["series"]) or not all(
        WHOLE_NUMBER.fullmatch(params[name]) for name in params if name != "series"
    ):
        return None
    if not _plain_json(request):
        return None
    prefix, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    digest = remembered.digest_of(token) if prefix == "Token" and token else None
    if digest is None:
        return None
    now = time.time()
    centre_ids = remembered.hint(digest)
    if centre_ids is None:
        officer = remembered.recall(digest, now=now)
        if officer is None:
            return None
        centre_ids = officer.centre_ids
    body = queries.officer_page(
        centre_ids,
        params["series"],
        now=timezone.now(),
        variant=queries.page_variant(request),
        confirm=(remembered.key_of(digest), remembered.confirms(centre_ids, now=now)),
    )
    return body


def _plain_json(request) -> bool:
    accept = request.META.get("HTTP_ACCEPT", "")
    return {part.strip() for part in accept.split(",")} <= SHORT_WAY_ACCEPT


def _learners_short_way(request) -> bytes | None:
    """The answer to a learner's read of their own results from the cache alone, or None.

    Only a plain ``GET`` (no parameters, no token, an ``Accept`` DRF answers with JSON) with
    a well-formed session cookie, whose session is remembered and whose page is kept under
    the stamps it was built with (results/learners/remembered.py)."""
    if request.META.get("QUERY_STRING") or "HTTP_AUTHORIZATION" in request.META:
        return None
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    if not SESSION_KEY.fullmatch(session_key) or not _plain_json(request):
        return None
    return learners_remembered.read(session_key, now=time.time())


def _harmless(request) -> bool:
    """A read with no body that the portal's guards (portal/guards.py) would let through."""
    if request.META.get("CONTENT_LENGTH", "0") not in ("", "0"):
        return False
    if "HTTP_TRANSFER_ENCODING" in request.META:
        return False
    try:
        check_request(request)
    except (HostileInput, SuspiciousOperation):
        return False
    return True


class ResultsDayMiddleware:
    """Answers the results-day reads that the cache alone can answer before the rest of the
    middleware runs (see the module's docstring); lets everything else through."""

    def __init__(self, get_response):
        self.get_response = get_response
        # The middleware below whose headers every answer carries, asked for them alone.
        self.security = SecurityMiddleware(get_response)
        self.finishing = (
            self.security,
            ContentSecurityPolicyMiddleware(get_response),
            XFrameOptionsMiddleware(get_response),
        )
        self.routes: dict[str, object] = {}

    def __call__(self, request):
        path = request.path_info
        if request.method != "GET" or path not in (OFFICERS_PATH, LEARNERS_PATH):
            return self.get_response(request)
        if self.security.process_request(request) is not None:
            return self.get_response(request)  # to be redirected to HTTPS by the stack
        request.get_host()  # a host not allowed is refused here as everywhere
        if not _harmless(request):
            return self.get_response(request)  # to be refused by the guards below
        short = _officers_short_way if path == OFFICERS_PATH else _learners_short_way
        body = short(request)
        if body is None:
            return self.get_response(request)
        response = HttpResponse(body, content_type="application/json")
        # As DRF answers the API's lists: what it may vary on, which methods they allow.
        response.headers["Vary"] = "Accept"
        response.headers["Allow"] = "GET, HEAD, OPTIONS"
        response.headers["Cache-Control"] = PRIVATE
        # Counted and logged under the route's own name, as the long way's answers are.
        if path not in self.routes:
            self.routes[path] = resolve(path)
        request.resolver_match = self.routes[path]
        # What the session and language middleware say of every answer: it depends on the
        # cookies (the long way reads the session), in the language the cookie chose.
        patch_vary_headers(response, ("Cookie",))
        response.headers["Content-Language"] = chosen_language(request)
        for middleware in self.finishing:
            response = middleware.process_response(request, response)
        response.headers["Content-Length"] = str(len(response.content))  # as CommonMiddleware
        return response


def build_officers_pages(series_id: int, centre_ids: Iterable[int], *, now: dt.datetime) -> int:
    """Each centre's first page of a released series as its officers' systems first ask for
    it (``GET /api/v1/results/?series=<code>`` at the portal's own address,
    ``PORTAL_BASE_URL``), built as the long way builds it and kept, so that the first read
    of each takes the short way too. The release sweep queues this at the instant
    (``results.build_pages``, a chunk of centres a task). Answer how many were built; none
    before the instant, and none if the portal's own host is not one it answers."""
    series = Series.objects.filter(pk=series_id).first()
    if series is None or series.results_release_at > now:
        return 0
    address = urlsplit(settings.PORTAL_BASE_URL)
    asked = WSGIRequest(
        {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": OFFICERS_PATH,
            "QUERY_STRING": urlencode({"series": series.code}),
            "HTTP_HOST": address.netloc,
            "SERVER_NAME": address.hostname or "",
            "SERVER_PORT": str(address.port or (443 if address.scheme == "https" else 80)),
            "wsgi.url_scheme": address.scheme,
            "wsgi.input": io.BytesIO(),
        }
    )
    try:
        variant = queries.page_variant(asked)
    except DisallowedHost:
        logger.warning("PORTAL_BASE_URL's host is not in ALLOWED_HOSTS: no page built.")
        return 0
    built = 0
    for centre_id in sorted(set(centre_ids)):
        # What the long way's list does for an officer of this centre alone.
        view = ResultViewSet(action="list", args=(), kwargs={}, format_kwarg=None)
        view.request = Request(asked)
        of_centre = Result.objects.filter(series_id=series.pk, centre_id__in=[centre_id])

        def build(series, results=of_centre, view=view) -> bytes:
            return JSONRenderer().render(view.page_of(queries.chosen(results)).data)

        if queries.officer_page([centre_id], series.code, now=now, variant=variant, build=build):
            built += 1
    return built


def officers_read(request):
    """``/api/v1/results/``: the API's own list of results (``ResultsDayMiddleware``
    answers the plainest reads of it before it is reached)."""
    return results_list(request)


# The view stands for the router's list to what looks at views (the route matrix, the API
# root), and is left out of the schema, which documents the router's own.
officers_read.cls = ResultViewSet
officers_read.actions = results_list.actions
officers_read.initkwargs = {**results_list.initkwargs, "schema": None}
officers_read.csrf_exempt = True

urlpatterns = [path("", officers_read, name="results-officers-read")]
