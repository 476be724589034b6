"""Who reaches what, for every route of the URL configuration (tests/isolation/routes.py says
how routes are found and filled; README: "Isolation checks")."""

from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse

from tests.isolation.routes import (
    CAPABILITIES,
    FILL,
    PUBLIC_API,
    PUBLIC_PAGES,
    SHARED,
    STAFF_PAGES,
    admin_fill,
    all_routes,
    body_for,
    fill,
    path_of,
)
from tests.isolation.snapshot import changes, snapshot

# Every test starts from the module's world with its people signed in: the tables it reads
# before its requests are read once (tests/isolation/snapshot.py).
pytestmark = pytest.mark.usefixtures("same_start")

ROUTES = all_routes()
OBJECT_ROUTES = [
    r
    for r in ROUTES
    if r.params and not r.is_admin and r.name not in SHARED and r.name not in CAPABILITIES
]


def _staff_only(route) -> bool:
    try:
        moves = route.case_model().MOVES.named(route.case_move)
        return not any(m.centre or m.owner for m in moves)
    except LookupError:
        return True  # the test names the route and what to add


STAFF_MOVE_ROUTES = [r for r in ROUTES if r.case_move and not r.is_admin and _staff_only(r)]
ADMIN_ROUTES = [r for r in ROUTES if r.is_admin]
PLAIN_PAGES = [
    r for r in ROUTES if not (r.params or r.is_api or r.is_admin or r.name in PUBLIC_PAGES)
]


def ids(routes):
    return [str(r) for r in routes]


def _post(client, route, url, world):
    body = body_for(route, world)
    if route.is_api:
        with_files = any(isinstance(value, UploadedFile) for value in body.values())
        return client.post(url, body, format="multipart" if with_files else "json")
    return client.post(url, body)


def _methods(route) -> list[str]:
    # A page does not say which methods it takes: both are tried, and a 405 reveals nothing.
    return route.api_methods if route.is_api else ["get", "post"]


def _send(client, route, url, method, world):
    if method == "post":
        return _post(client, route, url, world)
    return getattr(client, method)(url)


def _kwargs(route, world):
    if route.is_admin:
        return admin_fill(route)
    if route.name in SHARED:
        return SHARED[route.name](world)
    return fill(route, world) if route.params else {}


def _sent_to_sign_in(response) -> bool:
    return response.status_code == 302 and urlsplit(response["Location"]).path in (
        reverse("accounts:login"),
        reverse("admin:login"),
    )


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=ids(OBJECT_ROUTES))
def test_object_route_another_centres_officer_gets_404(route, world, officer_a, officer_b):
    url = path_of(route, fill(route, world))
    client = officer_b.client_for(route)
    before = snapshot()

    answers = {m: _send(client, route, url, m, world).status_code for m in _methods(route)}

    assert set(answers.values()) <= {404, 405}, f"{route} {url}: {answers}"
    assert 404 in answers.values(), f"{route} {url} answers no method: {answers}"
    assert changes(before, snapshot(since=before)) == []
    # The parameters name a real object: its own centre's officer is not told "not found".
    own = officer_a.client_for(route)
    assert any(
        _send(own, route, url, m, world).status_code != 404
        for m, code in answers.items()
        if code == 404
    ), f"{route} {url}: the filled object is not found for its own centre either"


@pytest.mark.parametrize("route", STAFF_MOVE_ROUTES, ids=ids(STAFF_MOVE_ROUTES))
def test_staff_only_move_own_centres_officer_is_refused(route, world, officer_a):
    url = path_of(route, fill(route, world))
    before = snapshot()

    response = _post(officer_a.client_for(route), route, url, world)

    assert response.status_code in (403, 404), f"{route} {url}: {response.status_code}"
    assert changes(before, snapshot(since=before)) == []


def _landing(client, method, url, world, route):
    """The first answer that does not send the client on within the staff area (the admin
    sends a bare object address on to its change page, and everyone signed out to its own
    sign-in, which sends on to the portal's)."""
    response = _send(client, route, url, method, world)
    for _ in range(3):
        if response.status_code != 302:
            break
        location = urlsplit(response["Location"]).path
        if not location.startswith("/admin/") or location == reverse("admin:login"):
            break
        response = client.get(location)
    return response


def _sent_out_of_staff_area(response) -> bool:
    # The admin's own sign-in sends a signed-in officer to the portal's home page.
    if _sent_to_sign_in(response):
        return True
    return response.status_code == 302 and not urlsplit(response["Location"]).path.startswith(
        "/admin/"
    )


@pytest.mark.parametrize("route", ADMIN_ROUTES, ids=ids(ADMIN_ROUTES))
def test_admin_route_officer_never_gets_in(route, world, officer_a):
    url = path_of(route, admin_fill(route))
    before = snapshot()

    for method in ("get", "post"):
        response = _landing(officer_a.page, method, url, world, route)
        assert response.status_code == 403 or _sent_out_of_staff_area(response), (
            f"{route} {method.upper()} {url}: {response.status_code}"
        )
    assert changes(before, snapshot(since=before)) == []


@pytest.mark.parametrize("route", [r for r in ROUTES if r.name in STAFF_PAGES], ids=str)
def test_staff_page_officer_is_refused(route, world, officer_a):
    url = path_of(route, _kwargs(route, world))

    response = officer_a.page.get(url)

    assert response.status_code == 403 or _sent_to_sign_in(response), (
        f"{route}: {response.status_code}"
    )


@pytest.mark.parametrize(
    "route", [r for r in ROUTES if not r.is_api and r.name not in PUBLIC_PAGES], ids=str
)
def test_page_anonymous_is_sent_to_sign_in(route, world, anonymous):
    url = path_of(route, _kwargs(route, world))
    before = snapshot()

    answers = {m: _landing(anonymous.page, m, url, world, route) for m in ("get", "post")}

    codes = {m: r.status_code for m, r in answers.items()}
    assert set(codes.values()) <= {302, 405}, f"{route} {url}: {codes}"
    assert all(_sent_to_sign_in(r) for r in answers.values() if r.status_code == 302), (
        f"{route} {url}: {[r.get('Location') for r in answers.values()]}"
    )
    assert changes(before, snapshot(since=before)) == []


@pytest.mark.parametrize(
    "route", [r for r in ROUTES if r.is_api and r.name not in PUBLIC_API], ids=str
)
def test_api_anonymous_gets_401_or_403(route, world, anonymous):
    url = path_of(route, _kwargs(route, world))
    before = snapshot()

    codes = {m: _send(anonymous.api, route, url, m, world).status_code for m in _methods(route)}

    assert set(codes.values()) <= {401, 403}, f"{route} {url}: {codes}"
    assert changes(before, snapshot(since=before)) == []


@pytest.mark.parametrize("route", [r for r in ROUTES if r.name in PUBLIC_PAGES], ids=str)
def test_public_page_opens_without_signing_in(route, world, anonymous):
    url = path_of(route, _kwargs(route, world))

    response = anonymous.page.get(url)

    # Signing out is a POST; a page that answers 200 or sends on somewhere public is open.
    # Readiness answers 503 here: no beat runs beside the tests.
    open_codes = (200, 302, 405, 503) if route.name == "readyz" else (200, 302, 405)
    assert response.status_code in open_codes, f"{route}: {response.status_code}"
    if response.status_code == 302:
        assert not _sent_to_sign_in(response), f"{route} asks to sign in"


@pytest.mark.parametrize("route", [r for r in ROUTES if r.name in SHARED], ids=str)
def test_shared_route_opens_to_any_officer(route, world, officer_b):
    url = path_of(route, SHARED[route.name](world))

    response = officer_b.client_for(route).get(url)

    assert response.status_code == 200, f"{route}: {response.status_code}"


@pytest.mark.parametrize("route", PLAIN_PAGES, ids=ids(PLAIN_PAGES))
def test_page_never_shows_another_centres_data(route, world, officer_a):
    url = path_of(route, {})

    response = officer_a.page.get(url)

    assert response.status_code in (200, 302, 403, 405), f"{route}: {response.status_code}"
    text = b"".join(response.streaming_content) if response.streaming else response.content
    text = text.decode(errors="replace")
    leaked = [marker for marker in world.b.markers() if marker in text]
    assert leaked == [], f"{route} shows centre B's {leaked}"


def test_registry_names_only_routes_that_exist():
    names = {r.name for r in ROUTES}

    stale = (set(FILL) | set(SHARED) | PUBLIC_PAGES | PUBLIC_API | STAFF_PAGES) - names

    assert stale == set()
