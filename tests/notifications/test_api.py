import pytest

from portal.notifications.models import Notification

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/"


def test_list_shows_own_notices_newest_first(officer_api, notify, officer_gb, officer_pk):
    older = notify(user=officer_gb)
    newer = notify(user=officer_gb, kind="breach", code="complaint.respond")
    notify(user=officer_pk)
    response = officer_api.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [row["id"] for row in body["results"]] == [newer.pk, older.pk]
    assert set(body["results"][0]) == {
        "id", "kind", "reference", "code", "subject", "url", "created_at", "read_at",
    }  # fmt: skip
    assert body["results"][0]["kind"] == "breach"
    assert body["results"][0]["reference"] == newer.reference


def test_list_filters_unread_and_kind(officer_api, notify, officer_gb):
    read = notify(user=officer_gb)
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    unread_reminder = notify(user=officer_gb)
    breach = notify(user=officer_gb, kind="breach")
    ids = lambda query: [r["id"] for r in officer_api.get(URL + query).json()["results"]]  # noqa: E731
    assert ids("?unread=true") == [breach.pk, unread_reminder.pk]
    assert ids("?unread=false") == [read.pk]
    assert ids("?kind=breach") == [breach.pk]
    assert ids("?unread=true&kind=reminder") == [unread_reminder.pk]


def test_list_bad_filter_values_answer_400(officer_api):
    response = officer_api.get(URL + "?unread=perhaps&kind=gossip")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"unread", "kind"}


def test_list_page_size(officer_api, notify, officer_gb):
    notify.create_batch(3, user=officer_gb)
    body = officer_api.get(URL + "?page_size=2").json()
    assert (body["count"], len(body["results"]), body["previous"]) == (3, 2, None)
    assert "page=2" in body["next"]


def test_another_users_notice_answers_404(officer_api, notify, officer_pk):
    theirs = notify(user=officer_pk)
    assert officer_api.get(f"{URL}{theirs.pk}/").status_code == 404
    assert officer_api.post(f"{URL}{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_marks_and_repeats_quietly(officer_api, notify, officer_gb):
    notice = notify(user=officer_gb)
    first = officer_api.post(f"{URL}{notice.pk}/read/")
    assert first.status_code == 200
    assert first.json()["read_at"] is not None
    second = officer_api.post(f"{URL}{notice.pk}/read/")
    assert second.json()["read_at"] == first.json()["read_at"]


def test_read_all_marks_only_own(officer_api, notify, officer_gb, officer_pk):
    notify.create_batch(2, user=officer_gb)
    theirs = notify(user=officer_pk)
    assert officer_api.post(URL + "read-all/").json() == {"marked": 2}
    assert officer_api.post(URL + "read-all/").json() == {"marked": 0}
    assert officer_api.get(URL + "?unread=true").json()["count"] == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_list_needs_sign_in(api_client):
    assert api_client.get(URL).status_code == 401
