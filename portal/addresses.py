"""Long lists of addresses found by their first part, instead of by trying each in turn.

Django resolves an address by trying each pattern of a list in order until one matches; an
include that does not match raises an exception, which is caught. The API's router has some
250 patterns (each route with and without a format suffix), the staff area one include for
each of sixty models, and some requests resolve an address several times (a filtered list of
the staff area resolves the address of each of its rows, to keep its filters in the link):
0.1 to 0.3 ms a resolve (measured). ``ByFirstPart`` tries only the patterns that can match
an address's first part (``complaints`` of ``complaints/CMP-2026-1/``), in their own order,
with those whose first part cannot be told (an empty include, a pattern that starts with a
parameter) among them where they stand: the same pattern wins as in Django's walk.
"""

import re
from collections import defaultdict
from typing import Any

from django.urls import URLPattern, URLResolver
from django.urls.resolvers import RegexPattern, RoutePattern

# A first part: letters, digits, "_" and "-", up to a "/" or a format suffix's ".".
_PART = re.compile(r"[A-Za-z0-9_-]*")
_REGEX_PART = re.compile(r"\^?([A-Za-z0-9_-]*)(/|\\\.|\$)")
_ROUTE_PART = re.compile(r"([A-Za-z0-9_-]*)(/)")

Pattern = URLPattern | URLResolver


def first_part(pattern: Pattern) -> str | None:
    """The first part of every address ``pattern`` can match, or None when it cannot be
    told (the pattern is then tried for every address)."""
    given = pattern.pattern
    if isinstance(given, RegexPattern):
        expression = str(given)
        found = _REGEX_PART.match(expression)
        if found is None or "|" in expression:  # an alternative may start otherwise
            return None
        if found[2] == "$" and isinstance(pattern, URLResolver):
            return None  # an include's regex ends where its own patterns begin
        return found[1]
    if isinstance(given, RoutePattern):
        route = str(given)  # its route
        if route == "":
            return "" if isinstance(pattern, URLPattern) else None
        found = _ROUTE_PART.match(route)
        return found[1] if found else None
    return None


class ByFirstPart(URLResolver):
    """``patterns`` as one include under an empty route, resolved among those that can match
    the address's first part (see the module)."""

    def __init__(self, patterns: list[Pattern]):
        super().__init__(RoutePattern(""), patterns)
        keyed = [(first_part(pattern), pattern) for pattern in patterns]
        known = {part for part, _ in keyed if part is not None}
        parts: defaultdict[str, list[Pattern]] = defaultdict(list)
        anywhere: list[Pattern] = []
        for part, pattern in keyed:
            for key in known if part is None else (part,):
                parts[key].append(pattern)
            if part is None:
                anywhere.append(pattern)
        # Each list in the patterns' own order, as Django would try them.
        self._parts = {key: URLResolver(RoutePattern(""), found) for key, found in parts.items()}
        self._anywhere = URLResolver(RoutePattern(""), anywhere)

    def resolve(self, path: Any) -> Any:
        part = _PART.match(str(path))
        assert part is not None  # it matches the empty string at least
        return self._parts.get(part.group(), self._anywhere).resolve(path)
