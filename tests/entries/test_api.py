import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from entries import services
from entries.models import Candidate, Entry
from tests.factories import CandidateFactory
from tests.signing_in import api_as

HEADER = "candidate_number,surname,forenames,date_of_birth,syllabus_code,option_code"


def _file(*lines):
    return SimpleUploadedFile(
        "entries.csv", ("\n".join([HEADER, *lines]) + "\n").encode(), content_type="text/csv"
    )


@pytest.fixture
def grace(centre_gb, series):
    return CandidateFactory(
        centre=centre_gb, series=series, candidate_number="0001", surname="Adams"
    )


def test_import_all_valid_answers_201_with_created(officer_api, series):
    response = officer_api.post(
        "/api/v1/entries/import/",
        {"series": "J27", "file": _file("0001,Adams,Grace,2010-03-14,0580,42")},
        format="multipart",
    )

    assert response.status_code == 201, response.json()
    assert response.json() == {"created": 1}


def test_import_bad_rows_answer_400_with_every_line(officer_api, series):
    response = officer_api.post(
        "/api/v1/entries/import/",
        {
            "series": "J27",
            "file": _file("0001,Adams,Grace,2010-03-14,0580,42", "0002,B,N,2010-02-30,0580,42"),
        },
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "line": 3,
                "message": "The date of birth '2010-02-30' is not a date written YYYY-MM-DD.",
            }
        ]
    }
    assert Entry.objects.count() == 0


def test_import_unknown_series_is_a_field_error(officer_api, series):
    response = officer_api.post(
        "/api/v1/entries/import/", {"series": "X99", "file": _file()}, format="multipart"
    )

    assert response.status_code == 400
    assert "series" in response.json()["errors"]


def test_entries_list_own_centre_only_with_contract_fields(officer_api, officer_pk, grace, series):
    services.make_entry(grace, syllabus_code="0580", option_code="42", by=None)
    theirs = CandidateFactory(centre=officer_pk.memberships.get().centre, series=series)
    services.make_entry(theirs, syllabus_code="0580", option_code="42", by=None)

    body = officer_api.get("/api/v1/entries/?series=J27").json()

    assert body["count"] == 1
    item = body["results"][0]
    assert {
        k: item[k] for k in ("series", "candidate_number", "syllabus_code", "option_code", "status")
    } == {
        "series": "J27",
        "candidate_number": "0001",
        "syllabus_code": "0580",
        "option_code": "42",
        "status": "provisional",
    }
    assert item["uci"] == grace.uci


def test_entries_filter_unknown_series_400(officer_api, series):
    assert officer_api.get("/api/v1/entries/?series=Q99").status_code == 400


def test_entry_of_another_centre_404(grace, officer_pk):
    entry = services.make_entry(grace, syllabus_code="0580", option_code="42", by=None)
    other = api_as(officer_pk)

    assert other.get(f"/api/v1/entries/{entry.pk}/").status_code == 404
    assert other.post(f"/api/v1/entries/{entry.pk}/withdraw/").status_code == 404
    assert Entry.objects.get().status == "provisional"


def test_entry_withdraw_then_amend_409(officer_api, grace):
    entry = services.make_entry(grace, syllabus_code="0580", option_code="42", by=None)

    assert officer_api.post(f"/api/v1/entries/{entry.pk}/withdraw/").json()["status"] == "withdrawn"
    response = officer_api.post(
        f"/api/v1/entries/{entry.pk}/amend/", {"option_code": "22"}, format="json"
    )

    assert response.status_code == 409


def test_entry_create_late_without_fee_400(today, officer_api, grace):
    today.move_to(dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC))

    response = officer_api.post(
        "/api/v1/entries/",
        {"series": "J27", "candidate_number": "0001", "syllabus_code": "0580", "option_code": "42"},
        format="json",
    )

    assert response.status_code == 400
    assert "accept_late_fee" in response.json()["errors"]


def test_candidate_proposal_and_create(officer_api, series):
    proposal = officer_api.get("/api/v1/candidates/proposal/?series=J27").json()

    response = officer_api.post(
        "/api/v1/candidates/",
        {"series": "J27", "surname": "Adams", "forenames": "Grace", "date_of_birth": "2010-03-14"},
        format="json",
    )

    assert response.status_code == 201
    assert {k: response.json()[k] for k in ("candidate_number", "uci")} == proposal
    assert Candidate.objects.get().uci == proposal["uci"]


def test_candidate_create_bad_uci_400(officer_api, series):
    response = officer_api.post(
        "/api/v1/candidates/",
        {
            "series": "J27",
            "surname": "A",
            "forenames": "G",
            "date_of_birth": "2010-03-14",
            "uci": "GB0010270001A",
        },
        format="json",
    )

    assert response.status_code == 400
    assert "uci" in response.json()["errors"]
    assert Candidate.objects.count() == 0


def test_submission_create_and_staff_confirm(charter, officer_api, staff_api, grace):
    services.make_entry(grace, syllabus_code="0580", option_code="42", by=None)

    created = officer_api.post("/api/v1/entry-submissions/", {"series": "J27"}, format="json")
    reference = created.json()["reference"]
    refused = officer_api.post(f"/api/v1/entry-submissions/{reference}/confirm/")
    confirmed = staff_api.post(f"/api/v1/entry-submissions/{reference}/confirm/")

    assert created.status_code == 201
    assert [d["code"] for d in created.json()["deadlines"]] == ["entries.confirm"]
    assert refused.status_code == 403
    assert confirmed.json()["status"] == "confirmed"
    assert confirmed.json()["deadlines"][0]["state"] == "met"
