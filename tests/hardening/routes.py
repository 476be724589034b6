"""Every address of the portal, taken from the URL configuration and the API schema, so that
a new route is covered by the hostile-input tests without being listed."""

import re
from functools import cache

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from drf_spectacular.generators import SchemaGenerator

HOLE = "\x00"  # stands for each path parameter; quoted as %00 in the address
ROUTE_PARAMETER = re.compile(r"<[^>]+>")
REGEX_GROUP = re.compile(r"\((?:\?P<\w+>)?(?:[^()]|\([^()]*\))*\)")
SCHEMA_PARAMETER = re.compile(r"\{[^}]+\}")


def _pattern_text(pattern) -> str | None:
    """The pattern as an address with a hole for each parameter, or None when it is a
    regular expression that names no single address (format suffixes and the like)."""
    if isinstance(pattern, RoutePattern):
        return ROUTE_PARAMETER.sub(HOLE, str(pattern))
    if isinstance(pattern, RegexPattern):
        text = REGEX_GROUP.sub(HOLE, str(pattern).removeprefix("^").removesuffix("$"))
        text = text.replace("\\.", ".")
        if re.search(r"[\\()\[\]*+?|{}]", text):
            return None
        return text
    return None


def _walk(patterns, prefix=""):
    for entry in patterns:
        text = _pattern_text(entry.pattern)
        if text is None:
            continue
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + text)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + text


@cache
def schema_operations() -> dict[str, set[str]]:
    """The API's paths (parameters as holes) with the query parameters each declares."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {}
    for path, methods in schema["paths"].items():
        names = operations.setdefault(SCHEMA_PARAMETER.sub(HOLE, path), set())
        for operation in methods.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    names.add(parameter["name"])
    return operations


@cache
def routes() -> list[str]:
    """Every address, with a hole (NUL) for each path parameter, sorted and without repeats."""
    found = set(_walk(get_resolver().url_patterns)) | set(schema_operations())
    return sorted(found)


def query_names(route: str) -> set[str]:
    # The usual filters and search of lists and of the staff area, and what the schema declares.
    return {"q", "status", "page", "page_size", "o", "search", "next"} | schema_operations().get(
        route, set()
    )


def address(route: str, fill: str) -> str:
    return route.replace(HOLE, fill)
