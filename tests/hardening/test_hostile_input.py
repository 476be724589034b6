"""Hostile requests to every route, as anyone: a 4xx in the portal's shapes, never a 500."""

import json
from urllib.parse import quote, urlencode

import pytest

from tests.hardening.conftest import assert_refused
from tests.hardening.routes import HOLE, address, query_names, routes

NESTED_JSON = "[" * 2000 + "]" * 2000  # 4 KB


@pytest.mark.parametrize("route", routes(), ids=lambda r: r.replace(HOLE, "%00"))
def test_route_refuses_nul_and_deep_json(route, visitor):
    path = address(route, "1")
    hostile = {
        "query": lambda: visitor.get(
            f"{path}?{urlencode(dict.fromkeys(sorted(query_names(route)), HOLE))}"
        ),
        "form": lambda: visitor.post(path, {"subject": HOLE, "username": "a\x00b"}),
        "json": lambda: visitor.post(
            path, json.dumps({"subject": "\u0000"}), content_type="application/json"
        ),
        "raw json": lambda: visitor.post(
            path, b'{"subject": "\x00"}', content_type="application/json"
        ),
        "nested json": lambda: visitor.post(path, NESTED_JSON, content_type="application/json"),
    }
    if HOLE in route:
        hostile["path"] = lambda: visitor.get(address(route, quote(HOLE)))
    for kind, send in hostile.items():
        response = send()
        assert response.status_code == 400, (kind, route, response.status_code)
        assert_refused(response, path)


def test_query_nul_names_the_field(officer_api):
    response = officer_api.get("/api/v1/complaints/", {"status": HOLE})

    assert response.status_code == 400
    assert response.json() == {"errors": {"status": ["Null characters are not allowed."]}}


def test_json_nul_escape_is_refused_at_token_endpoint(api_client):
    response = api_client.post(
        "/api/v1/auth/token/",
        '{"username": "a\\u0000", "password": "x"}',
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "null character" in response.json()["detail"]


def test_json_escaped_backslash_before_u0000_is_plain_text(api_client, db):
    # "\\u0000" is a backslash and the letters u0000: allowed, and then simply a wrong login.
    response = api_client.post(
        "/api/v1/auth/token/",
        '{"username": "a\\\\u0000", "password": "x"}',
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "errors": {"non_field_errors": ["Unable to sign in with that username and password."]}
    }


def test_deep_json_at_token_endpoint_answers_400_with_message(api_client):
    response = api_client.post("/api/v1/auth/token/", NESTED_JSON, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "The JSON body is nested more than 100 levels deep."}


def test_json_within_depth_limit_is_parsed(api_client, db):
    body = json.dumps({"username": "x", "password": "y", "extra": [[[[["deep"]]]]]})

    response = api_client.post("/api/v1/auth/token/", body, content_type="application/json")

    assert response.status_code == 400
    assert "non_field_errors" in response.json()["errors"]


def test_uploaded_file_with_nul_bytes_is_not_refused_by_the_guard(api_client, db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\x00\x00binary")

    response = api_client.post(
        "/api/v1/auth/token/",
        {"username": "x", "password": "y", "file": upload},
        format="multipart",
    )

    assert response.status_code == 400
    assert "non_field_errors" in response.json()["errors"]


def test_header_with_nul_is_refused(client, db):
    response = client.get("/api/v1/centres/", HTTP_AUTHORIZATION="Token abc\x00def")

    assert response.status_code == 400
    assert "header" in response.json()["detail"]


def test_session_cookie_with_nul_is_refused(client, db):
    client.cookies["sessionid"] = "abcdefgh\x00ijk"

    response = client.get("/")

    assert_refused(response, "/", status=400)


def test_brackets_inside_strings_do_not_count_towards_the_depth(api_client, db):
    body = json.dumps({"username": "[" * 120, "password": "{" * 120})

    response = api_client.post("/api/v1/auth/token/", body, content_type="application/json")

    assert response.status_code == 400
    assert "non_field_errors" in response.json()["errors"]


def test_unterminated_string_of_escaped_quotes_is_answered(client):
    # Read once from left to right: a scan that restarted at every quote would take minutes.
    body = b'"' + b'\\"' * 200_000

    response = client.generic("POST", "/accounts/login/", body, content_type="application/json")

    # The sign-in page is shown again (its form reads no JSON); nothing hangs or fails.
    assert response.status_code == 200


def test_json_in_another_charset_is_refused_before_any_parser(officer_api):
    # UTF-7 spells "[" as "+AFs-": bytes the guard would never see as brackets.
    body = b"+AFs-" * 5000 + b"+AF0-" * 5000

    response = officer_api.generic(
        "POST", "/api/v1/complaints/", body, content_type="application/json; charset=utf-7"
    )

    assert response.status_code == 415
    assert response.json() == {"detail": "A JSON body must be encoded in UTF-8."}


@pytest.mark.parametrize("charset", ["rot13", "base64", "zlib", "hex"])
@pytest.mark.parametrize(
    "method, path, data",
    [
        ("GET", "/?page=2", b""),
        ("POST", "/accounts/login/?next=/", b"username=a&password=b"),
        ("POST", "/api/v1/auth/token/?x=1", b"username=a"),
        ("GET", "/complaints/?show=all", b""),
    ],
)
def test_a_charset_that_is_not_a_text_encoding_is_refused_with_400(
    client, db, charset, method, path, data
):
    content_type = f"text/plain; charset={charset}"
    # The test client sends a Content-Type only with a body; a browser or a script may not.
    response = client.generic(
        method, path, data=data, content_type=content_type, CONTENT_TYPE=content_type
    )
    assert response.status_code == 400
    assert "not a text encoding" in response.content.decode()


def test_an_unknown_charset_is_still_read_as_the_default(client, db):
    response = client.generic(
        "GET", "/accounts/login/?next=/", content_type="text/plain; charset=no-such-thing"
    )
    assert response.status_code == 200
