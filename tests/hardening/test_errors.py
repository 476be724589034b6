"""Every error in the portal's shapes: JSON under /api/, pages in the layout elsewhere."""

import socket
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client

from tests.hardening.conftest import assert_refused


@pytest.fixture
def browser(db):
    return Client(raise_request_exception=False)


def test_body_over_upload_limit_answers_413_json(browser, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = browser.post(
        "/api/v1/auth/token/",
        '{"username": "' + "x" * 2000 + '"}',
        content_type="application/json",
    )

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is larger than the portal accepts."}


def test_form_over_upload_limit_answers_413_page(browser, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = browser.post("/accounts/login/", {"username": "x" * 2000, "password": "y"})

    assert_refused(response, "/accounts/login/", status=413)


def test_too_many_fields_answers_400_json(browser, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5

    response = browser.post("/api/v1/auth/token/", {f"f{n}": "x" for n in range(10)})

    assert response.status_code == 400
    assert response.json() == {"detail": "The request has more fields than the portal accepts."}


def test_too_many_query_parameters_answers_400_json(browser, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5

    response = browser.get("/api/v1/centres/", {f"f{n}": "x" for n in range(10)})

    assert response.status_code == 400
    assert response.json() == {"detail": "The request has more fields than the portal accepts."}


def test_too_many_files_answers_400_json(browser, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 1
    files = {f"file{n}": SimpleUploadedFile(f"{n}.txt", b"x") for n in range(3)}

    response = browser.post("/api/v1/auth/token/", files)

    assert response.status_code == 400
    assert response.json() == {"detail": "The request has more files than the portal accepts."}


def test_unknown_api_address_answers_404_json(browser):
    response = browser.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_wrong_method_on_api_answers_405_json(browser):
    response = browser.get("/api/v1/auth/token/")

    assert response.status_code == 405
    assert set(response.json()) == {"detail"}


@pytest.mark.urls("tests.hardening.urls")
def test_permission_denied_outside_drf_answers_403_json_under_api(browser):
    response = browser.get("/api/v1/forbidden/")

    assert response.status_code == 403
    assert response.json() == {"detail": "You do not have permission to perform this action."}


@pytest.mark.urls("tests.hardening.urls")
def test_server_error_answers_500_json_under_api(browser):
    response = browser.get("/api/v1/fault/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}
    assert "secret" not in response.content.decode()


@contextmanager
def database_unreachable():
    """The database goes away: the connection is closed and reopening it fails."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=free_port)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_database_outage_answers_503_json(officer_gb):
    from tests.signing_in import api_as

    api = api_as(officer_gb)
    api.raise_request_exception = False

    with database_unreachable():
        response = api.get("/api/v1/centres/")

    assert response.status_code == 503
    assert response.json() == {
        "detail": "The service is unavailable for a moment. Please try again shortly."
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_database_outage_answers_503_page():
    browser = Client(raise_request_exception=False)

    with database_unreachable():
        response = browser.get("/service-standards/")

    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in response.content.decode()


# Pages: each in the layout, with the right status, plain words and no internal details.


def assert_page(response, status: int, heading: str):
    body = response.content.decode()
    assert response.status_code == status
    assert '<html lang="en-GB" dir="ltr">' in body
    assert 'class="site-header"' in body
    assert f"<h1>{heading}</h1>" in body
    assert 'href="/"' in body  # a way back home
    assert "secret" not in body and "Traceback" not in body


def test_page_400_renders_in_layout(browser):
    assert_page(browser.get("/complaints/%00/"), 400, "Sorry, there is a problem with the request")


@pytest.mark.urls("tests.hardening.urls")
def test_page_403_renders_in_layout(browser):
    assert_page(browser.get("/forbidden/"), 403, "You cannot open this page")


def test_page_404_renders_in_layout(browser):
    assert_page(browser.get("/no-such-page/"), 404, "Page not found")


@pytest.mark.urls("tests.hardening.urls")
def test_page_500_renders_in_layout(browser):
    assert_page(browser.get("/fault/"), 500, "Sorry, there is a problem with the service")


def test_page_csrf_failure_renders_in_layout(db):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post("/accounts/login/", {"username": "x", "password": "y"})

    assert_page(response, 403, "Your form could not be sent")


def test_page_404_shows_who_is_signed_in(client, officer_gb):
    client.force_login(officer_gb)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Signed in as <strong>officer1</strong>" in response.content.decode()
