"""The service-requests API: officers ask and withdraw, the results team despatches,
declines and sends; another centre's officer gets 404."""

from results.postresults.models import ServiceRequest
from tests.signing_in import api_as

URL = "/api/v1/service-requests/"


def test_officer_asks_for_results_to_an_institution(now, officer_api, november, candidate_november):
    body = {
        "service": "results_to_institution",
        "series": "N26",
        "candidate_number": "0001",
        "recipient_name": "University of Example",
        "recipient_email": "a@example.ac.uk",
    }

    response = officer_api.post(URL, body, format="json")

    assert response.status_code == 201, response.json()
    answer = response.json()
    assert (answer["status"], answer["centre"], answer["series"]) == ("scheduled", "GB001", "N26")
    assert "withdraw" in answer["actions"]


def test_create_with_bad_input_answers_400(now, officer_api, june, candidate):
    response = officer_api.post(
        URL, {"service": "paper_copies", "series": "J26", "candidate_number": "1"}, format="json"
    )

    assert response.status_code == 400 and not ServiceRequest.objects.exists()


def test_create_for_another_centre_is_refused(now, officer_pk, june, candidate):
    response = api_as(officer_pk).post(
        URL,
        {"centre": "GB001", "service": "paper_copies", "series": "J26", "candidate_number": "0001"},
        format="json",
    )

    assert response.status_code == 400 and not ServiceRequest.objects.exists()


def test_list_and_detail_hide_another_centres_requests(paper_copies, officer_pk):
    api = api_as(officer_pk)

    assert api.get(URL).json()["results"] == []
    assert api.get(f"{URL}{paper_copies.reference}/").status_code == 404
    assert api.post(f"{URL}{paper_copies.reference}/withdraw/").status_code == 404


def test_despatch_allowed_refused_and_repeated(paper_copies, officer_api, staff_api):
    url = f"{URL}{paper_copies.reference}/despatch/"

    assert officer_api.post(url, {}, format="json").status_code == 403
    first = staff_api.post(url, {"note": "Tracked."}, format="json")
    again = staff_api.post(url, {}, format="json")

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json()["despatched_at"] == first.json()["despatched_at"]
    declined = staff_api.post(f"{URL}{paper_copies.reference}/decline/", {"reason": "No."})
    assert declined.status_code == 409


def test_send_before_release_answers_409(scheduled, staff_api):
    response = staff_api.post(f"{URL}{scheduled.reference}/send/")

    assert response.status_code == 409
    assert "never before" in str(response.json())


def test_filter_by_service(paper_copies, scheduled, officer_api):
    answer = officer_api.get(URL, {"service": "paper_copies"}).json()

    assert [row["reference"] for row in answer["results"]] == [paper_copies.reference]
