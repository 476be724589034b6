import re

import pytest
from django.urls import reverse

from entries.arrangements.models import AccessArrangement, Appeal, SpecialConsideration
from tests.signing_in import sign_in

LIST = reverse("arrangements:list")
NEW_AA = reverse("arrangements:access:create")
NEW_SC = reverse("arrangements:consideration:create")


@pytest.fixture
def officer_client(client, officer_gb):
    return sign_in(client, officer_gb)


def test_list_shows_the_centres_cases_and_when_to_apply(officer_client, aa, sc, series):
    page = officer_client.get(LIST)

    assert page.status_code == 200
    assert aa.reference in page.text
    assert sc.reference in page.text
    assert f"by {series.access_arrangements_deadline:%-d %B %Y}" in page.text
    assert "Acknowledge an access arrangements application" in page.text


def test_list_hides_another_centres_cases(client, officer_pk, aa):
    page = sign_in(client, officer_pk).get(LIST)

    assert aa.reference not in page.text


def test_officer_applies_for_an_arrangement_on_the_page(officer_client, centre_gb, candidate):
    response = officer_client.post(
        NEW_AA,
        {
            "centre": centre_gb.pk,
            "series": candidate.series.pk,
            "candidate_number": "0001",
            "arrangement": "scribe",
            "reason": "Broken wrist.",
        },
    )

    case = AccessArrangement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    assert case.status == "received"


def test_empty_application_shows_every_error_in_the_summary(officer_client, candidate):
    page = officer_client.post(NEW_AA, {})

    assert page.status_code == 400
    assert "<title>Error: Apply for access arrangements" in page.text
    for message in (
        "Choose the exam series.",
        "Give the candidate number.",
        "Choose an arrangement.",
    ):
        assert message in page.text
    assert not AccessArrangement.objects.exists()


def test_rule_refusal_is_shown_on_its_field(officer_client, centre_gb, candidate, candidate_pk):
    page = officer_client.post(
        NEW_AA,
        {
            "centre": centre_gb.pk,
            "series": candidate.series.pk,
            "candidate_number": "0002",
            "arrangement": "scribe",
            "reason": "x",
        },
    )

    assert page.status_code == 400
    assert 'href="#id_candidate_number"' in page.text
    assert "GB001 has no candidate with that number" in page.text


def test_officer_cannot_apply_for_another_centre(officer_client, centre_pk, candidate_pk):
    page = officer_client.post(
        NEW_AA,
        {
            "centre": centre_pk.pk,
            "series": candidate_pk.series.pk,
            "candidate_number": "0002",
            "arrangement": "scribe",
            "reason": "x",
        },
    )

    assert page.status_code == 400
    assert not AccessArrangement.objects.exists()


def test_absence_without_half_completed_refused_on_the_page(
    officer_client, centre_gb, candidate, syllabus
):
    page = officer_client.post(
        NEW_SC,
        {
            "centre": centre_gb.pk,
            "series": candidate.series.pk,
            "candidate_number": "0001",
            "syllabus": syllabus.pk,
            "category": "absent",
            "reason": "In hospital.",
        },
    )

    assert page.status_code == 400
    assert "at least half" in page.text
    assert not SpecialConsideration.objects.exists()


def test_officer_appeals_on_the_case_page(officer_client, declined_aa):
    page = officer_client.get(declined_aa.get_absolute_url())
    assert "Appeal against this outcome (stage 1)" in page.text

    response = officer_client.post(
        reverse("arrangements:access:appeal", args=[declined_aa.reference]),
        {"appeal-grounds": "The report covers written papers."},
    )

    assert response.status_code == 302
    assert Appeal.objects.get().stage == 1


def test_appeal_without_grounds_shows_the_page_again(officer_client, declined_aa):
    page = officer_client.post(
        reverse("arrangements:access:appeal", args=[declined_aa.reference]), {"appeal-grounds": ""}
    )

    assert page.status_code == 400
    assert "Say why you think the outcome is wrong." in page.text
    assert not Appeal.objects.exists()


def test_appeal_page_says_why_not_when_none_is_open(officer_client, appeal, declined_aa):
    page = officer_client.get(declined_aa.get_absolute_url())

    assert "is already under appeal" in page.text
    assert 'name="appeal-grounds"' not in page.text


def test_staff_decide_on_the_case_page(client, specialist, sc):
    sign_in(client, specialist)
    page = client.get(sc.get_absolute_url())
    assert 'name="grant-adjustment_percent"' in page.text

    response = client.post(
        reverse("arrangements:consideration:grant", args=[sc.reference]),
        {"grant-adjustment_percent": "2", "grant-note": ""},
    )

    assert response.status_code == 302
    assert SpecialConsideration.objects.get().adjustment_percent == 2


def test_staff_see_the_moves_they_may_make_now_in_order(client, specialist, aa):
    url = aa.get_absolute_url()

    def move_forms(page):
        return re.findall(rf'<form method="post" action="{url}([a-z-]+)/"', page)

    page = sign_in(client, specialist).get(url).text
    assert move_forms(page) == ["acknowledge", "approve", "decline"]
    # A move with neither form nor hint is its button alone; a refusal's button warns.
    assert '<h3 id="acknowledge">' not in page and '<h3 id="approve">Approve</h3>' in page
    assert '<button type="submit" class="button warning">Decline and say why</button>' in page

    client.post(reverse("arrangements:access:acknowledge", args=[aa.reference]))
    assert move_forms(client.get(url).text) == ["approve", "decline"]


def test_staff_move_refused_to_officer_on_the_page(officer_client, aa):
    response = officer_client.post(reverse("arrangements:access:acknowledge", args=[aa.reference]))

    assert response.status_code == 403
    assert AccessArrangement.objects.get().status == "received"


def test_another_centres_officer_gets_404_on_the_pages(client, officer_pk, aa, appeal):
    sign_in(client, officer_pk)

    assert client.get(aa.get_absolute_url()).status_code == 404
    assert client.get(appeal.get_absolute_url()).status_code == 404


def test_staff_queue_lists_cases_next_due_first(client, specialist, aa, sc, appeal):
    sign_in(client, specialist)

    for model, case in (
        ("accessarrangement", aa),
        ("specialconsideration", sc),
        ("appeal", appeal),
    ):
        page = client.get(f"/admin/arrangements/{model}/")
        assert page.status_code == 200
        assert case.reference in page.text


def test_staff_queue_closed_to_roles_not_working_with_it(client, aa):
    from tests.factories import StaffFactory

    sign_in(client, StaffFactory(username="entries-person", roles=["Entries team"]))

    assert client.get("/admin/arrangements/accessarrangement/").status_code == 403


def test_bulk_acknowledge_from_the_queue(client, specialist, aa):
    sign_in(client, specialist)

    client.post(
        "/admin/arrangements/accessarrangement/",
        {"action": "acknowledge_selected", "_selected_action": [aa.pk]},
    )

    assert AccessArrangement.objects.get().status == "acknowledged"


def test_home_page_lists_open_cases(officer_client, aa):
    assert aa.reference in officer_client.get("/").text


def test_demo_data_has_every_status_once(seeded_demo, settings):
    from django.core.management import call_command

    settings.DEBUG = True
    first = (AccessArrangement.objects.count(), SpecialConsideration.objects.count())
    call_command("seed_demo")

    assert (AccessArrangement.objects.count(), SpecialConsideration.objects.count()) == first
    for model in (AccessArrangement, SpecialConsideration, Appeal):
        statuses = set(model.objects.values_list("status", flat=True))
        assert statuses == set(model.Status.values), model
    assert Appeal.objects.filter(stage=2).exists()


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("", "Give the adjustment as a whole percentage from 1 to 25."),
        ("30", "Give the adjustment as a whole percentage from 1 to 25."),
        ("2.5", "Give the adjustment as a whole percentage from 1 to 25."),
    ],
)
def test_a_grant_is_refused_alike_on_the_page_and_in_the_api(
    client, specialist, sc, given, message
):
    from tests.signing_in import api_as

    sign_in(client, specialist)
    page = client.post(
        reverse("arrangements:consideration:grant", args=[sc.reference]),
        {"grant-adjustment_percent": given},
    )
    api = api_as(specialist).post(
        f"/api/v1/special-considerations/{sc.reference}/grant/",
        {"adjustment_percent": given or None},
        format="json",
    )

    assert page.status_code == 400 and api.status_code == 400
    assert page.context["forms"]["grant"].errors["adjustment_percent"] == [message]
    assert api.json()["errors"]["adjustment_percent"] == [message]
    assert SpecialConsideration.objects.get().status == sc.status
