"""The certificate-despatches API: officers read their centres' (404 for another centre's),
the results team despatches, holds and ends a hold; the schema names its parts once."""

import pytest
from django.urls import reverse

from results.postresults.models import CertificateDespatch
from tests.signing_in import api_as

URL = "/api/v1/certificate-despatches/"


@pytest.fixture
def certificates_pk(certificates_gb, centre_pk):
    return CertificateDespatch.objects.get(centre=centre_pk)


def test_officer_lists_and_reads_their_centres_despatch(
    certificates_gb, certificates_pk, officer_api
):
    listed = officer_api.get(URL).json()

    assert listed["count"] == 1 and set(listed) == {"count", "next", "previous", "results"}
    [row] = listed["results"]
    assert row == officer_api.get(f"{URL}{certificates_gb.reference}/").json()
    assert (row["reference"], row["status"], row["centre"], row["series"]) == (
        certificates_gb.reference,
        "due",
        "GB001",
        "J26",
    )
    assert (row["candidates_covered"], row["candidates_held"], row["actions"]) == (2, 2, [])
    assert row["results_released_at"] == "2026-08-11T05:00:00Z"
    [deadline] = row["deadlines"]
    assert (deadline["code"], deadline["state"], deadline["due_at"]) == (
        "certificates.despatch",
        "running",
        "2026-10-11T22:59:59.999999Z",
    )


def test_another_centres_officer_gets_404(certificates_gb, certificates_pk, officer_pk):
    api = api_as(officer_pk)

    assert [r["reference"] for r in api.get(URL).json()["results"]] == [certificates_pk.reference]
    assert api.get(f"{URL}{certificates_gb.reference}/").status_code == 404
    response = api.post(f"{URL}{certificates_gb.reference}/despatch/", {"courier": "DHL"})
    assert response.status_code == 404


def test_officer_may_not_despatch(certificates_gb, officer_api):
    response = officer_api.post(
        f"{URL}{certificates_gb.reference}/despatch/", {"courier": "DHL"}, format="json"
    )

    assert response.status_code == 403
    certificates_gb.refresh_from_db()
    assert certificates_gb.status == "due"


def test_despatch_allowed_repeated_and_then_refused_moves(certificates_gb, staff_api):
    url = f"{URL}{certificates_gb.reference}/despatch/"
    body = {"courier": "DHL Express", "tracking_reference": "JD0146", "despatched_on": "2026-09-04"}

    first = staff_api.post(url, body, format="json")
    again = staff_api.post(url, {**body, "courier": "Royal Mail"}, format="json")

    assert (first.status_code, again.status_code) == (200, 200)
    assert (again.json()["courier"], again.json()["despatched_on"]) == ("DHL Express", "2026-09-04")
    assert again.json()["deadlines"][0]["state"] == "met"
    held = staff_api.post(f"{URL}{certificates_gb.reference}/hold/", {"reason": "Address?"})
    assert held.status_code == 409


def test_despatch_with_bad_input_answers_400_naming_the_field(certificates_gb, staff_api):
    url = f"{URL}{certificates_gb.reference}/despatch/"

    missing = staff_api.post(url, {}, format="json")
    future = staff_api.post(url, {"courier": "DHL", "despatched_on": "2026-09-30"}, format="json")

    assert missing.status_code == 400 and "courier" in missing.json()["errors"]
    assert future.status_code == 400 and "despatched_on" in future.json()["errors"]
    certificates_gb.refresh_from_db()
    assert certificates_gb.status == "due"


def test_hold_and_resume(certificates_gb, staff_api):
    base = f"{URL}{certificates_gb.reference}"

    assert staff_api.post(f"{base}/resume/").status_code == 409
    held = staff_api.post(f"{base}/hold/", {"reason": "Please confirm your address."})
    resumed = staff_api.post(f"{base}/resume/")

    assert held.status_code == 200 and held.json()["status"] == "held"
    assert held.json()["deadlines"][0]["state"] == "paused"
    assert resumed.status_code == 200 and resumed.json()["status"] == "due"
    assert staff_api.post(f"{base}/hold/", {"reason": ""}).status_code == 400


def test_filter_by_series_and_status(certificates_gb, staff_api):
    assert staff_api.get(URL, {"series": "J26"}).json()["count"] == 2
    assert staff_api.get(URL, {"series": "N26"}).json()["count"] == 0
    assert staff_api.get(URL, {"status": "despatched"}).json()["count"] == 0
    assert staff_api.get(URL, {"status": "lost"}).status_code == 400


def test_schema_gives_the_despatch_its_own_names(certificates_gb, staff_api):
    schema = staff_api.get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]

    assert {
        "CertificateDespatch",
        "CertificateDespatchStatusEnum",
        "CertificatesDespatchedRequest",
        "CertificatesHeldRequest",
    } <= set(components)
    assert components["CertificateDespatchStatusEnum"]["enum"] == ["due", "held", "despatched"]
    # The service requests keep theirs.
    assert components["ServiceRequestStatusEnum"]["enum"][0] == "received"
    paths = schema["paths"]
    assert {f"{URL}", f"{URL}{{reference}}/", f"{URL}{{reference}}/despatch/"} <= set(paths)


def test_the_despatch_is_refused_in_the_pages_words(certificates_gb, staff_api, staff_client):
    """One rule for each input of the despatch: the API and the page say the same thing."""
    api_url = f"{URL}{certificates_gb.reference}/despatch/"
    page_url = reverse("postresults:certificates:despatch", args=[certificates_gb.reference])
    for given, field, said in (
        ({"courier": ""}, "courier", "Name the courier or postal service."),
        (
            {"courier": "DHL", "despatched_on": "4 September"},
            "despatched_on",
            "Give the date as YYYY-MM-DD, for example 2026-08-20.",
        ),
    ):
        answered = staff_api.post(api_url, given, format="json")
        assert answered.status_code == 400 and answered.json()["errors"][field] == [said]
        shown = staff_client.post(page_url, {f"despatch-{k}": v for k, v in given.items()})
        assert shown.status_code == 400 and said in shown.content.decode()
    certificates_gb.refresh_from_db()
    assert certificates_gb.status == "due"
