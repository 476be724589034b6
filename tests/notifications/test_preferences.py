import pytest
from django.urls import reverse

from portal.notifications import kinds as kind_registry
from portal.notifications import register_kind
from portal.notifications.models import EmailOptOut
from portal.notifications.services import emailed_kinds

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/preferences/"


@pytest.fixture(autouse=True)
def complaint_kind(monkeypatch):
    monkeypatch.setattr(kind_registry, "_kinds", dict(kind_registry._kinds))
    register_kind("complaint", "Complaint")


def every_kind(*but):
    return [code for code, _ in kind_registry.kind_choices() if code not in but]


# API ---------------------------------------------------------------------------------------


def test_preferences_default_to_every_kind_by_email(officer_api):
    body = officer_api.get(URL).json()
    assert body == {
        "email_kinds": every_kind(),
        "kinds": [{"code": c, "label": label} for c, label in kind_registry.kind_choices()],
    }
    assert body["kinds"][:2] == [
        {"code": "reminder", "label": "Reminder"},
        {"code": "breach", "label": "Deadline missed"},
    ]
    assert {"code": "complaint", "label": "Complaint"} in body["kinds"]


def test_preferences_put_keeps_only_the_kinds_chosen(officer_api, officer_gb, officer_pk):
    response = officer_api.put(URL, {"email_kinds": ["breach", "breach"]}, format="json")
    assert (response.status_code, response.json()["email_kinds"]) == (200, ["breach"])
    assert emailed_kinds(officer_gb) == ["breach"]
    assert emailed_kinds(officer_pk) == every_kind()
    again = officer_api.put(URL, {"email_kinds": []}, format="json")
    assert again.json()["email_kinds"] == []


@pytest.mark.parametrize(
    "body", [{"email_kinds": ["breach", "gossip"]}, {"email_kinds": "breach"}, {}]
)
def test_preferences_put_bad_kinds_answers_400_and_changes_nothing(officer_api, officer_gb, body):
    EmailOptOut.objects.create(user=officer_gb, kind="reminder")
    response = officer_api.put(URL, body, format="json")
    assert response.status_code == 400
    assert "email_kinds" in response.json()["errors"]
    assert emailed_kinds(officer_gb) == every_kind("reminder")


def test_preferences_need_sign_in(api_client):
    assert api_client.get(URL).status_code == 401


def test_list_filters_by_a_kind_an_app_registered(officer_api, notify, officer_gb):
    step = notify(user=officer_gb, kind="complaint")
    notify(user=officer_gb)
    body = officer_api.get("/api/v1/notifications/?kind=complaint").json()
    assert [row["id"] for row in body["results"]] == [step.pk]


def test_schema_lists_registered_kinds_and_the_preferences(client):
    schema = client.get("/api/schema/?format=json").json()
    parameters = schema["paths"]["/api/v1/notifications/"]["get"]["parameters"]
    kind = next(p for p in parameters if p["name"] == "kind")
    assert kind["schema"]["enum"] == every_kind()
    assert {"get", "put"} <= set(schema["paths"]["/api/v1/notifications/preferences/"])


# Page --------------------------------------------------------------------------------------


def test_page_is_reached_from_the_notices(client, officer_gb):
    client.force_login(officer_gb)
    notices = client.get(reverse("notifications:list")).content.decode()
    assert f'href="{reverse("notifications:preferences")}"' in notices


def test_page_shows_a_labelled_checkbox_per_kind_ticked_by_default(client, officer_gb):
    EmailOptOut.objects.create(user=officer_gb, kind="reminder")
    client.force_login(officer_gb)
    content = client.get(reverse("notifications:preferences")).content.decode()
    assert "<fieldset><legend>Which notices should we also email to you?" in content
    assert '<label for="id_email_kinds_2"><input type="checkbox" name="email_kinds" ' in content
    assert "Progress update</label>" in content
    assert 'value="reminder" id="id_email_kinds_0">' in content
    assert 'value="breach" id="id_email_kinds_1" checked>' in content
    assert "Complaint</label>" in content


def test_page_saves_the_choices_then_redirects(client, officer_gb):
    client.force_login(officer_gb)
    response = client.post(reverse("notifications:preferences"), {"email_kinds": ["complaint"]})
    assert (response.status_code, response.url) == (302, reverse("notifications:preferences"))
    assert emailed_kinds(officer_gb) == ["complaint"]
    client.post(reverse("notifications:preferences"), {})
    assert emailed_kinds(officer_gb) == []


def test_page_refuses_an_unknown_kind_with_an_error_summary(client, officer_gb):
    client.force_login(officer_gb)
    response = client.post(reverse("notifications:preferences"), {"email_kinds": ["gossip"]})
    content = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in content
    assert '<div class="error-summary" role="alert" tabindex="-1">' in content
    assert '<a href="#id_email_kinds_0">Select a valid choice.' in content
    assert emailed_kinds(officer_gb) == every_kind()


def test_page_needs_sign_in(client):
    response = client.get(reverse("notifications:preferences"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
