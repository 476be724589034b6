import pytest
from django.test import RequestFactory
from django.urls import reverse

from portal.notifications.context_processors import unread_notices
from tests.sla.conftest import london

pytestmark = pytest.mark.django_db


def test_page_lists_own_notices_with_unread_marked(client, notify, officer_gb, officer_pk):
    mine = notify(user=officer_gb, subject="Reminder: CMP-2026-000001 is due tomorrow")
    notify(user=officer_pk, subject="Someone else's notice")
    client.force_login(officer_gb)
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Reminder: CMP-2026-000001 is due tomorrow" in content
    assert f'href="{mine.url}"' in content
    assert "Someone else" not in content
    assert "Unread" in content
    # The deadline it is about, by its name, never by its code.
    assert "Acknowledge a complaint" in content
    assert "complaint.acknowledge" not in content


def test_page_needs_sign_in(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_page_is_paginated(client, notify, officer_gb):
    notify.create_batch(30, user=officer_gb)
    client.force_login(officer_gb)
    first = client.get(reverse("notifications:list"))
    second = client.get(reverse("notifications:list") + "?page=2")
    assert len(first.context["notifications"]) == 25
    assert len(second.context["notifications"]) == 5
    assert "Page 1 of 2" in first.content.decode()


def test_mark_read_posts_then_redirects_back(client, notify, officer_gb):
    notice = notify(user=officer_gb)
    client.force_login(officer_gb)
    back = reverse("notifications:list") + "?page=1"
    response = client.post(reverse("notifications:read", args=[notice.pk]), {"next": back})
    assert (response.status_code, response.url) == (302, back)
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_mark_read_refuses_get_and_other_sites(client, notify, officer_gb):
    notice = notify(user=officer_gb)
    client.force_login(officer_gb)
    assert client.get(reverse("notifications:read", args=[notice.pk])).status_code == 405
    response = client.post(
        reverse("notifications:read", args=[notice.pk]), {"next": "https://evil.example/"}
    )
    assert response.url == reverse("notifications:list")


def test_mark_read_of_another_users_notice_answers_404(client, notify, officer_gb, officer_pk):
    theirs = notify(user=officer_pk)
    client.force_login(officer_gb)
    response = client.post(reverse("notifications:read", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_is_idempotent(client, notify, officer_gb):
    notify.create_batch(2, user=officer_gb)
    client.force_login(officer_gb)
    first = client.post(reverse("notifications:read_all"), follow=True)
    assert "2 notices marked as read." in first.content.decode()
    second = client.post(reverse("notifications:read_all"))
    assert second.status_code == 302
    assert officer_gb.notifications.filter(read_at__isnull=True).count() == 0


def test_header_shows_unread_count_on_every_page(client, notify, officer_gb, officer_pk):
    notify.create_batch(3, user=officer_gb)
    notify(user=officer_pk)
    client.force_login(officer_gb)
    assert 'Notices <span class="badge">(3 unread)</span>' in client.get("/").content.decode()
    client.post(reverse("notifications:read_all"))
    home = client.get("/").content.decode()
    assert "Notices</a>" in home
    assert "unread)" not in home


def test_header_count_is_one_query(notify, officer_gb, django_assert_num_queries):
    notify.create_batch(3, user=officer_gb)
    request = RequestFactory().get("/")
    request.user = officer_gb
    context = unread_notices(request)
    with django_assert_num_queries(1):
        assert str(context["unread_notices"]) == "3"


def test_anonymous_pages_have_no_count(client, db):
    response = client.get(reverse("accounts:login"))
    assert "unread_notices" not in response.context


def test_page_shows_times_in_the_readers_centre_zone(client, notify, officer_pk):
    notify(user=officer_pk, created_at=london(2026, 11, 23, 12))
    client.force_login(officer_pk)
    content = client.get(reverse("notifications:list")).content.decode()
    assert "Times in Asia/Karachi." in content
    assert "Mon 23 Nov 2026, 17:00" in content
