"""A list's query parameters are checked: a value that makes no sense is refused with 400
naming the parameter, as the contract's errors are, never silently ignored."""

import pytest

from tests.signing_in import api_as

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/complaints/",
    "/api/v1/queries/",
    "/api/v1/enquiries/",
    "/api/v1/notifications/",
    "/api/v1/centres/",
    "/api/v1/entries/",
    "/api/v1/results/",
]


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("page_size", ["abc", "0", "-1", "1.5", ""])
def test_a_page_size_that_is_no_size_is_refused_naming_it(officer_gb, url, page_size):
    response = api_as(officer_gb).get(url, {"page_size": page_size})
    assert response.status_code == 400, (url, response.content)
    assert list(response.json()["errors"]) == ["page_size"]


@pytest.mark.parametrize("url", [u for u in LISTS if u != "/api/v1/entries/"])
def test_a_page_that_is_not_a_number_is_refused_naming_it(officer_gb, url):
    response = api_as(officer_gb).get(url, {"page": "abc"})
    assert response.status_code == 400, (url, response.content)
    assert list(response.json()["errors"]) == ["page"]


def test_good_values_still_page(officer_gb):
    response = api_as(officer_gb).get("/api/v1/centres/", {"page_size": "500", "page": "1"})
    assert response.status_code == 200
    assert api_as(officer_gb).get("/api/v1/centres/", {"page": "9"}).status_code == 404


@pytest.mark.parametrize(
    "query, name",
    [({"open": "maybe"}, "open"), ({"status": "nonsense"}, "status"), ({"due": "soon"}, "due")],
)
def test_a_case_filter_with_a_value_it_does_not_take_is_refused(officer_gb, query, name):
    response = api_as(officer_gb).get("/api/v1/complaints/", query)
    assert response.status_code == 400
    assert name in response.json()["errors"]
