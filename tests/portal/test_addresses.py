"""``ByFirstPart`` finds the same pattern as Django's walk through the list, for every route
of the API and the staff area and for addresses that match none."""

import re
import uuid

import pytest
from django.contrib import admin
from django.urls import URLResolver
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RoutePattern

from portal.addresses import ByFirstPart, first_part
from portal.api.router import discover, router

# A value for each kind of parameter the routes take, by the parameter's expression.
SAMPLES = {
    "[^/.]+": "abc",
    "[0-9a-fA-F-]{36}": str(uuid.uuid4()),
    "[a-z0-9]+": "json",
    "[A-Z]+-[0-9]{4}-[0-9]+": "CMP-2026-1",
    "[0-9]+": "5",
}


def _sample(regex: str) -> str | None:
    """An address ``regex`` matches, made from ``SAMPLES``; None if a parameter is unknown."""
    made = regex.removeprefix("^").removesuffix("$").replace("/?", "/").replace("\\.", ".")
    for name, expression in re.findall(r"\(\?P<(\w+)>([^)]*?\)?[^)]*)\)", made):
        if expression not in SAMPLES:
            return None
        made = made.replace(f"(?P<{name}>{expression})", SAMPLES[expression])
    return made if re.fullmatch(regex, made) else None


def _found(resolver, path):
    try:
        match = resolver.resolve(path)
    except Resolver404:
        return None
    return match.func, match.args, match.kwargs, match.url_name, match.route


def _both(patterns):
    return URLResolver(RoutePattern(""), patterns), ByFirstPart(patterns)


def test_every_route_of_the_api_is_found_as_djangos_walk_finds_it():
    discover()
    patterns = router.get_urls()
    walk, ours = _both(patterns)
    paths = [_sample(str(p.pattern)) for p in patterns]
    assert sum(path is not None for path in paths) > 0.9 * len(patterns)
    junk = ["", ".json", "nothing/", "complaints", "complaints/x/y/z/", "auth/", "-/"]
    for path in [p for p in paths if p is not None] + junk:
        assert _found(ours, path) == _found(walk, path), path
    assert _found(ours, "complaints/CMP-2026-1/acknowledge/")[3] == "complaint-acknowledge"


@pytest.mark.parametrize(
    "path",
    [
        "",
        "login/",
        "sla/",
        "sla/clock/",
        "sla/clock/12/change/",
        "sla/clock/12/",
        "complaints/complaint/add/",
        "nothing/at/all/",
        "r/3/4/",
        "jsi18n/",
    ],
)
def test_every_page_of_the_staff_area_is_found_as_djangos_walk_finds_it(path):
    walk, ours = _both(admin.AdminSite.get_urls(admin.site))
    assert _found(ours, path) == _found(walk, path)


@pytest.mark.parametrize(
    "pattern, part",
    [
        (r"^complaints/$", "complaints"),
        (r"^complaints\.(?P<format>[a-z0-9]+)/?$", "complaints"),
        (r"^$", ""),
        (r"^\.(?P<format>[a-z0-9]+)/?$", ""),
        (r"^(?P<app_label>sla|qa)/$", None),
        (r"(?P<url>.*)$", None),
        (r"^foo/$|^bar/$", None),
    ],
)
def test_the_first_part_of_a_pattern(pattern, part):
    from django.urls import re_path

    assert first_part(re_path(pattern, lambda request: None)) == part
