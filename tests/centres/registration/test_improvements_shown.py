"""An applicant asked for improvements reads each one next to its standard: in the
checklist of the application's page and in the step of the standard's area."""

import re

import pytest
from django.urls import reverse

from centres.registration import services
from centres.registration.applications import Judgement
from centres.registration.models import Area
from portal.accounts import roles
from tests.centres.registration.applications import application_at
from tests.factories import StaffFactory, UserFactory
from tests.signing_in import sign_in


@pytest.fixture
def team(db, charter):
    return StaffFactory(username="registrar", roles=[roles.REGISTRATION_TEAM])


@pytest.fixture
def applicant(db):
    return UserFactory(username="head", email="head@nairobi-hills.example")


@pytest.fixture
def improving(applicant, team):
    """Asked to improve MV1 and ML1, and in general."""
    application = application_at("visit_scheduled", applicant=applicant, staff=team)
    return services.request_improvements(
        application,
        by=team,
        judgements=[
            {
                "code": "MV1",
                "judgement": Judgement.IMPROVEMENT_NEEDED,
                "improvement": "Publish it.",
            },
            {
                "code": "ML1",
                "judgement": Judgement.IMPROVEMENT_NEEDED,
                "improvement": "Name a deputy.",
            },
            {"code": "MV2", "judgement": Judgement.MET, "improvement": ""},
        ],
        note="Send us the minutes of the governors' meeting.",
    )


def _checklist(content: str) -> str:
    return re.search(r'<h2 id="complete">.*?</ol>', content, re.S).group(0)


def _standard(content: str, code: str) -> str:
    return re.search(rf'<section [^>]*"standard-{code}">.*?</section>', content, re.S).group(0)


def test_checklist_shows_each_improvement_under_its_area(client, applicant, improving):
    sign_in(client, applicant)

    checklist = _checklist(client.get(improving.get_absolute_url()).content.decode())

    mission = checklist.split(Area.MISSION.label)[1].split(Area.LEADERSHIP.label)[0]
    leadership = checklist.split(Area.LEADERSHIP.label)[1].split(Area.TEACHING.label)[0]
    assert "<strong>MV1</strong> Publish it." in mission
    assert "MV2" not in mission and "ML1" not in mission
    assert "<strong>ML1</strong> Name a deputy." in leadership
    assert "2 improvements asked for" not in checklist
    assert "1 improvement asked for" in mission
    assert "Send us the minutes of the governors&#x27; meeting." in checklist


def test_area_page_shows_the_improvement_with_its_standard(client, applicant, improving):
    sign_in(client, applicant)
    url = reverse("join:area", args=[improving.reference, Area.MISSION])

    content = client.get(url).content.decode()

    assert "Improvement asked for" in _standard(content, "MV1")
    assert "Publish it." in _standard(content, "MV1")
    assert "Improvement asked for" not in _standard(content, "MV2")
    # What the school said last time, to revise from.
    assert "We meet MV1." in _standard(content, "MV1")


def test_area_page_without_improvements_asked_shows_none(client, applicant, team):
    application = application_at("in_progress", applicant=applicant, staff=team)
    sign_in(client, applicant)
    url = reverse("join:area", args=[application.reference, Area.MISSION])

    content = client.get(url).content.decode()

    assert "Improvement asked for" not in content
    assert "improvement" not in _checklist(
        client.get(application.get_absolute_url()).content.decode()
    )
