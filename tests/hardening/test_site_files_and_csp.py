import re

import pytest


def test_favicon_answers_200_with_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"


def test_robots_disallows_admin_and_api(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response.content.decode().splitlines() == [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
    ]


def test_layout_links_the_icon(client, db):
    response = client.get("/service-standards/")

    assert '<link rel="icon" href="/static/favicon.ico">' in response.content.decode()


def inline_scripts_and_styles(body: str) -> list[str]:
    """Opening tags of scripts without ``src`` and of style elements."""
    tags = re.findall(r"<script\b[^>]*>", body) + re.findall(r"<style\b[^>]*>", body)
    return [tag for tag in tags if "src=" not in tag]


def nonce_of(response) -> str | None:
    match = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    return match.group(1) if match else None


def test_api_docs_work_under_the_csp(client, db):
    response = client.get("/api/docs/")
    body = response.content.decode()

    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert '<html lang="en-GB">' in body
    assert inline_scripts_and_styles(body) == []
    assert "style=" not in body


def test_api_docs_script_is_served_from_the_portal(client, db):
    response = client.get("/api/docs/?script=")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()


@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/centres/", "/api/v1/complaints/"])
def test_browsable_api_works_under_the_csp(client, officer_gb, path):
    client.force_login(officer_gb)

    response = client.get(path, HTTP_ACCEPT="text/html")
    body = response.content.decode()

    assert response.status_code == 200
    assert '<html lang="en-GB">' in body
    assert "style=" not in body
    inline = inline_scripts_and_styles(body)
    nonce = nonce_of(response)
    assert all(f'nonce="{nonce}"' in tag for tag in inline), inline
    assert nonce is not None or inline == []
