from base64 import b32decode
from io import StringIO

import pytest
from django.core.management import call_command
from django_otp.oath import totp

from portal.core.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def _seed(settings) -> str:
    """What ``seed_demo`` prints, run again on the demo (as a newcomer runs it again)."""
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _code_from_printed_key(output: str, username: str) -> str:
    line = next(line for line in output.splitlines() if line.strip().startswith(f"{username}:"))
    return f"{totp(b32decode(line.split(':', 1)[1].strip())):06d}"


@pytest.mark.parametrize("username", ["staff", "specialist"])
def test_demo_staff_get_a_token_with_the_printed_key(username, api_client, settings, seeded_demo):
    output = _seed(settings)
    response = api_client.post(
        "/api/v1/auth/token/",
        {
            "username": username,
            "password": DEMO_PASSWORD,
            "otp": _code_from_printed_key(output, username),
        },
        format="json",
    )
    assert response.status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api_client.get("/api/v1/centres/").status_code == 200


def test_demo_staff_browser_sign_in_asks_for_the_code(client, seeded_demo):
    response = client.post("/accounts/login/", {"username": "staff", "password": DEMO_PASSWORD})
    assert response.url == "/accounts/login/verify/"
