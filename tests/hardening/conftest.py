import pytest
from django.db import transaction

from portal.accounts.roles import DIRECTOR, ROLES
from tests.factories import CentreFactory, OfficerFactory, StaffFactory
from tests.signing_in import client_with, session_cookies, sign_in


@pytest.fixture(scope="module")
def _signed_in(django_db_setup, django_db_blocker):
    """The cookies of an officer's and a staff member's sessions (staff past two-factor
    sign-in), made once a module, in a transaction rolled back when the module ends: each
    test runs in a savepoint of it. Making and signing in two people for every one of the
    ~2,000 tests of a few requests each cost as much as the requests."""
    with django_db_blocker.unblock(), transaction.atomic():
        centre = CentreFactory(number="HV001", name="Hostile Visitors School")
        officer = OfficerFactory(username="visiting-officer", membership__centre=centre)
        staff = StaffFactory(username="visiting-staff", roles=[r for r in ROLES if r != DIRECTOR])
        yield {
            "anonymous": {},
            "officer": session_cookies(officer),
            "staff": session_cookies(staff),
        }
        transaction.set_rollback(True)


@pytest.fixture(params=["anonymous", "officer", "staff"])
def visitor(request, _signed_in, db):
    """A browser (session) client that returns a server error instead of raising it."""
    return client_with(_signed_in[request.param], raise_request_exception=False)


@pytest.fixture
def schema(client, staff_user):
    """The API's schema as staff read it (every operation), as JSON."""
    sign_in(client, staff_user)
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


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
