import pytest

from centres.registration.models import Area, QualityStandard, StandardSet

URL = "/api/v1/quality-standards/"


@pytest.fixture
def set_2027(standards):
    """A later published set with one standard, and a draft after it."""
    standard_set = StandardSet.objects.create(year=2027, published=True)
    QualityStandard.objects.create(
        standard_set=standard_set, code="MV1", area=Area.MISSION, number=1, text="Revised."
    )
    StandardSet.objects.create(year=2028, published=False)
    return standard_set


def test_standards_signed_out_answer_401(api_client, standards):
    response = api_client.get(URL)

    assert response.status_code == 401


def test_standards_officer_reads_the_latest_published_set(officer_api, standards):
    response = officer_api.get(URL, {"page_size": 100})

    assert response.status_code == 200
    assert response.json()["count"] == 26
    assert response.json()["results"][0] == {
        "code": "MV1",
        "area": "The school’s mission and educational values",
        "text": "The school has a clear mission statement that makes reference to its "
        "educational values.",
        "online_only": False,
        "year": 2026,
    }


def test_standards_are_paginated(officer_api, standards):
    response = officer_api.get(URL, {"page_size": 10})

    assert len(response.json()["results"]) == 10
    assert response.json()["next"] is not None


def test_standards_online_only_false_gives_what_every_school_meets(officer_api, standards):
    response = officer_api.get(URL, {"online_only": "false", "page_size": 100})

    codes = [item["code"] for item in response.json()["results"]]
    assert len(codes) == 18
    assert "TL4" not in codes
    assert not any(code.startswith("OP") for code in codes)


def test_standards_online_only_true_gives_the_online_ones(officer_api, standards):
    response = officer_api.get(URL, {"online_only": "true", "page_size": 100})

    assert [item["code"] for item in response.json()["results"]] == [
        "ML6",
        "TL4",
        "TL6",
        "OP1",
        "OP2",
        "OP3",
        "OP4",
        "LR2",
    ]


def test_standards_default_to_the_latest_published_year(officer_api, set_2027):
    response = officer_api.get(URL)

    assert [(item["code"], item["year"]) for item in response.json()["results"]] == [("MV1", 2027)]


def test_standards_year_gives_an_earlier_published_set(officer_api, set_2027):
    response = officer_api.get(URL, {"year": 2026})

    assert response.json()["count"] == 26
    assert {item["year"] for item in response.json()["results"]} == {2026}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"online_only": "maybe"}, "online_only"),
        ({"year": "last"}, "year"),
        ({"year": "1999"}, "year"),
        ({"year": "2028"}, "year"),  # a draft is not published
        ({"year": "2030"}, "year"),
    ],
)
def test_standards_bad_filter_answers_400(officer_api, set_2027, params, field):
    response = officer_api.get(URL, params)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_standard_detail_by_code(officer_api, standards):
    response = officer_api.get(f"{URL}TL4/")

    assert response.status_code == 200
    assert response.json()["code"] == "TL4"
    assert response.json()["online_only"] is True


def test_standard_detail_is_of_the_latest_set(officer_api, set_2027):
    assert officer_api.get(f"{URL}MV1/").json()["text"] == "Revised."
    assert officer_api.get(f"{URL}TL4/").status_code == 404


def test_standard_detail_unknown_code_answers_404(officer_api, standards):
    response = officer_api.get(f"{URL}ZZ9/")

    assert response.status_code == 404


def test_standard_detail_signed_out_answers_401(api_client, standards):
    response = api_client.get(f"{URL}MV1/")

    assert response.status_code == 401


def test_standards_schema_declares_the_filters(officer_api):
    response = officer_api.get("/api/schema/", HTTP_ACCEPT="application/json")

    parameters = response.json()["paths"][URL]["get"]["parameters"]
    assert {"online_only", "year"} <= {parameter["name"] for parameter in parameters}
