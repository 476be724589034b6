import pytest

from entries.models import Candidate
from portal.centres.models import Centre
from portal.permissions import centres_visible_to
from tests.factories import CandidateFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_centres_visible_to_officer_are_only_their_own(officer_gb, centre_gb, centre_pk):
    assert list(centres_visible_to(officer_gb)) == [centre_gb]


def test_centres_visible_to_officer_of_two_centres_are_both(centre_gb, centre_pk):
    user = UserFactory()
    MembershipFactory(user=user, centre=centre_gb)
    MembershipFactory(user=user, centre=centre_pk)
    assert set(Centre.objects.visible_to(user)) == {centre_gb, centre_pk}


def test_centres_visible_to_staff_are_all(staff_user, centre_gb, centre_pk):
    assert set(centres_visible_to(staff_user)) == {centre_gb, centre_pk}


def test_centres_visible_to_inactive_or_anonymous_are_none(officer_gb):
    from django.contrib.auth.models import AnonymousUser

    officer_gb.is_active = False
    assert list(centres_visible_to(officer_gb)) == []
    assert list(centres_visible_to(AnonymousUser())) == []


def test_scoped_queryset_hides_other_centres_rows(officer_gb, centre_gb, centre_pk):
    ours = CandidateFactory(centre=centre_gb)
    CandidateFactory(centre=centre_pk)
    assert list(Candidate.objects.visible_to(officer_gb)) == [ours]


def test_api_centres_lists_only_own_centre(officer_api, centre_pk):
    response = officer_api.get("/api/v1/centres/")
    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "number": "GB001",
                "name": "Riverside Academy",
                "country": "GB",
                "timezone": "Europe/London",
                "status": "active",
                "email": "",
                "programmes": [],
            }
        ],
    }


def test_api_centre_of_another_centre_answers_404(officer_api, centre_pk):
    assert officer_api.get("/api/v1/centres/PK002/").status_code == 404
    assert officer_api.get("/api/v1/centres/GB001/").status_code == 200


def test_api_centres_staff_see_all(staff_api, centre_gb, centre_pk):
    response = staff_api.get("/api/v1/centres/")
    assert [c["number"] for c in response.json()["results"]] == ["GB001", "PK002"]


def test_api_requires_authentication(api_client, centre_gb):
    assert api_client.get("/api/v1/centres/").status_code in {401, 403}


def test_api_page_size_is_capped_at_500(staff_api, centre_gb):
    response = staff_api.get("/api/v1/centres/?page_size=100000")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_home_page_shows_only_own_centre(client, officer_gb, centre_pk):
    client.force_login(officer_gb)
    response = client.get("/")
    assert response.status_code == 200
    assert b"GB001" in response.content
    assert b"PK002" not in response.content


def test_api_series_lists_for_anyone_signed_in(officer_api):
    from tests.factories import SeriesFactory

    SeriesFactory(code="N26", name="November 2026")
    response = officer_api.get("/api/v1/series/")
    assert response.status_code == 200
    assert [(s["code"], s["name"]) for s in response.json()["results"]] == [
        ("N26", "November 2026")
    ]
    assert set(response.json()["results"][0]) == {
        "code",
        "name",
        "entry_deadline",
        "results_release_at",
    }
