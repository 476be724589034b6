import pytest
from django.test import Client

from tests.signing_in import sign_in


@pytest.fixture(params=["anonymous", "officer", "staff"])
def visitor(request, db):
    """A browser (session) client that returns a server error instead of raising it."""
    client = Client(raise_request_exception=False)
    if request.param == "officer":
        client.force_login(request.getfixturevalue("officer_gb"))
    elif request.param == "staff":
        sign_in(client, request.getfixturevalue("staff_user"))
    return client


def assert_refused(response, path: str, *, status=None):
    """A 4xx in the portal's shapes: JSON under /api/, a page in the layout elsewhere."""
    assert 400 <= response.status_code < 500, (path, response.status_code)
    if status is not None:
        assert response.status_code == status, (path, response.status_code)
    if path.startswith("/api/"):
        assert response["Content-Type"] == "application/json", path
        assert set(response.json()) in ({"detail"}, {"errors"}), (path, response.json())
    else:
        body = response.content.decode()
        assert '<html lang="en-GB" dir="ltr">' in body, path
        assert 'class="site-header"' in body, path
