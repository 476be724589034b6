"""OPTIONS on the API describes a route, whoever asks, and is never a server error."""

import re

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.signing_in import api_as

pytestmark = pytest.mark.django_db


def api_paths() -> list[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    # Path parameters filled with values no object has: the answer may be 404, never 500.
    return sorted(re.sub(r"\{[^}]+\}", "0", path) for path in schema["paths"])


def test_the_notice_preferences_answer_options(officer_gb):
    response = api_as(officer_gb).options("/api/v1/notifications/preferences/")
    assert response.status_code == 200
    assert "PUT" in response.json()["actions"]


def test_every_api_route_answers_options_without_a_server_error(officer_gb, staff_user, client):
    paths = api_paths()
    assert len(paths) > 40
    failures = []
    for person in (api_as(officer_gb), api_as(staff_user), client):
        for path in paths:
            status = person.options(path).status_code
            if status >= 500:
                failures.append(f"OPTIONS {path}: {status}")
    assert failures == []
