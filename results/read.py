"""The results-day read: thousands of school systems asking for a series' results with
their tokens in the same minute, answered by a view that runs before the API's router.

A plain ``GET`` of a series' page by an officer's token remembered lately, whose page is
cached, is answered from one round trip to the cache (``_short_way``); anything else takes
the long way, the API's own list (``results_list``), which checks, builds, caches and
remembers. Both answer the same bytes and headers (tests/results/test_officers_read.py).
"""

import time

from django.http import HttpResponse
from django.urls import path
from django.utils import timezone

from portal.api import remembered
from results import queries
from results.api import ResultViewSet

# The list's own view, as the router makes it: the long way of ``officers_read``.
results_list = ResultViewSet.as_view(
    {"get": "list"}, basename="result", detail=False, suffix="List"
)
# What the short way answers: a series' page (queries.PAGE_PARAMETERS) that DRF would
# render as plain JSON (no ``Accept`` media type parameters such as ``indent``).
SHORT_WAY_ACCEPT = {"", "*/*", "application/*", "application/json"}


# Results are a person's own: no shared cache keeps them, no browser stores them.
PRIVATE = "private, no-store"


def _short_way(request) -> HttpResponse | None:
    """The answer to an officer's results read from the cache alone, or None.

    Steps: only a plain ``GET`` of a series' page with an ``Authorization: Token`` header
    and an ``Accept`` that DRF would answer with JSON; the token's centres as this process
    last saw them remembered, else as remembered by any process (portal/api/remembered.py),
    else None; the page as cached for those centres under the series' release instant and
    generations, read in one round trip with the token's memory, else None: the token no
    longer remembered with those centres, or nothing cached since the last change.
    """
    if request.method != "GET":
        return None
    params = request.GET
    if not params.get("series") or not set(params) <= queries.PAGE_PARAMETERS:
        return None
    if any(len(params.getlist(name)) != 1 for name in params):
        return None
    accept = request.META.get("HTTP_ACCEPT", "")
    if not {part.strip() for part in accept.split(",")} <= SHORT_WAY_ACCEPT:
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
        variant=f"{request.get_host()}:{request.get_full_path()}",
        confirm=(remembered.key_of(digest), remembered.confirms(centre_ids, now=now)),
    )
    if body is None:
        return None
    response = HttpResponse(body, content_type="application/json")
    # As DRF answers (results_list): what it may vary on and which methods the list allows.
    response.headers["Vary"] = "Accept"
    response.headers["Allow"] = "GET, HEAD, OPTIONS"
    response.headers["Cache-Control"] = PRIVATE
    return response


def officers_read(request):
    """``/api/v1/results/``: on results day, thousands of school systems reading a series'
    results with their tokens. When the token was checked lately and the page is cached
    (from the first answer after any change), the answer takes one round trip to the
    cache; anything else takes the long way, the API's own list (which checks,
    builds, caches and remembers)."""
    return _short_way(request) or results_list(request)


# The view stands for the router's list to what looks at views (the route matrix, the API
# root), and is left out of the schema, which documents the router's own.
officers_read.cls = ResultViewSet
officers_read.actions = results_list.actions
officers_read.initkwargs = {**results_list.initkwargs, "schema": None}
officers_read.csrf_exempt = True

urlpatterns = [path("", officers_read, name="results-officers-read")]
