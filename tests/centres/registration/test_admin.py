import pytest

from centres.registration.models import Area, QualityStandard, StandardSet
from portal.accounts.roles import ENTRIES_TEAM, REGISTRATION_TEAM
from portal.audit import history_of
from tests.factories import StaffFactory
from tests.signing_in import sign_in


def _change_url(standard) -> str:
    return f"/admin/registration/qualitystandard/{standard.pk}/change/"


@pytest.fixture
def registration_team(client, standards):
    user = StaffFactory(username="registrar", roles=[REGISTRATION_TEAM])
    return sign_in(client, user)


@pytest.fixture
def entries_team(client, standards):
    user = StaffFactory(username="entries", roles=[ENTRIES_TEAM])
    return sign_in(client, user)


@pytest.fixture
def tl4(standards):
    return QualityStandard.objects.get(standard_set__year=2026, code="TL4")


def _form(standard, **changes) -> dict:
    return {"text": standard.text, "online_only": "on" if standard.online_only else "", **changes}


def test_standard_admin_registration_team_changes_published_text(registration_team, tl4):
    old = tl4.text

    response = registration_team.post(_change_url(tl4), _form(tl4, text="Clearer words."))

    assert response.status_code == 302
    tl4.refresh_from_db()
    assert tl4.text == "Clearer words."
    [event] = history_of(tl4)
    assert event.action == "quality_standard.text_changed"
    assert event.actor.username == "registrar"
    assert event.data == {"from": old, "to": "Clearer words."}


def test_standard_admin_unchanged_text_records_nothing(registration_team, tl4):
    registration_team.post(_change_url(tl4), _form(tl4, online_only=""))

    tl4.refresh_from_db()
    assert tl4.online_only is False
    assert list(history_of(tl4)) == []


def test_standard_admin_published_code_cannot_change(registration_team, tl4):
    registration_team.post(_change_url(tl4), _form(tl4, code="TL9", number="9"))

    tl4.refresh_from_db()
    assert (tl4.code, tl4.number) == ("TL4", 4)


def test_standard_admin_published_standard_cannot_be_deleted(registration_team, tl4):
    response = registration_team.post(
        f"/admin/registration/qualitystandard/{tl4.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 403
    assert QualityStandard.objects.filter(pk=tl4.pk).exists()


def test_standard_admin_draft_standard_can_be_deleted(registration_team, standards):
    draft = QualityStandard.objects.create(
        standard_set=StandardSet.objects.create(year=2027),
        code="MV1",
        area=Area.MISSION,
        number=1,
        text="A draft.",
    )

    response = registration_team.post(
        f"/admin/registration/qualitystandard/{draft.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    assert not QualityStandard.objects.filter(pk=draft.pk).exists()


def test_standard_admin_add_refuses_a_code_that_is_not_its_area_and_number(
    registration_team, standards
):
    standard_set = StandardSet.objects.create(year=2027)

    response = registration_team.post(
        "/admin/registration/qualitystandard/add/",
        {
            "standard_set": standard_set.pk,
            "code": "TL9",
            "area": Area.TEACHING,
            "number": "8",
            "text": "A draft.",
        },
    )

    assert response.status_code == 200
    assert "TL8" in response.content.decode()
    assert not standard_set.standards.exists()


def test_standard_admin_entries_team_cannot_change(entries_team, tl4):
    response = entries_team.post(_change_url(tl4), _form(tl4, text="Clearer words."))

    assert response.status_code == 403
    tl4.refresh_from_db()
    assert tl4.text != "Clearer words."


def test_standard_set_admin_published_set_cannot_be_deleted(registration_team, standards):
    standard_set = StandardSet.objects.get(year=2026)

    response = registration_team.post(
        f"/admin/registration/standardset/{standard_set.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 403
    assert StandardSet.objects.filter(pk=standard_set.pk).exists()


def test_standard_set_admin_published_set_stays_published(registration_team, standards):
    standard_set = StandardSet.objects.get(year=2026)

    response = registration_team.post(
        f"/admin/registration/standardset/{standard_set.pk}/change/", {"year": "2030"}
    )

    assert response.status_code == 302
    standard_set.refresh_from_db()
    assert (standard_set.year, standard_set.published) == (2026, True)


def test_standard_set_admin_draft_can_be_published(registration_team, standards):
    draft = StandardSet.objects.create(year=2027)

    response = registration_team.post(
        f"/admin/registration/standardset/{draft.pk}/change/", {"year": "2027", "published": "on"}
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.published is True
