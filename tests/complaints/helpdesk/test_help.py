"""The help centre: published answers by topic and by search, for everyone; suggestions as an
officer types a query; customer services keep the answers."""

import pytest

from complaints.helpdesk.demo import seed_help
from complaints.helpdesk.help import search_answers
from complaints.helpdesk.models import HelpAnswer, Topic
from tests.factories import StaffFactory
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def answers(db):
    seed_help()
    return HelpAnswer.objects.create(
        topic=Topic.RESULTS,
        question="Unpublished: how are grade boundaries set?",
        answer="Draft.",
        published=False,
    )


def test_search_finds_published_answers_best_first(answers):
    found = [a.question for a in search_answers("late entry fees")]
    assert found[0] == "Do late entry fees apply per candidate or per entry?"
    assert [a.question for a in search_answers("timetable clash")] == [
        "What do we do about a timetable clash?"
    ]
    assert list(search_answers("grade boundaries")) == []  # unpublished
    assert list(search_answers("  a ")) == []  # nothing worth searching for


def test_search_matches_words_in_the_answer_too(answers):
    found = [a.question for a in search_answers("supervision")]
    assert found == ["What do we do about a timetable clash?"]


@pytest.mark.postgres
def test_search_on_postgresql_stems_words(answers):
    found = [a.question for a in search_answers("clashes")]
    assert found == ["What do we do about a timetable clash?"]


def test_the_help_centre_is_open_to_everyone_by_topic_and_search(client, answers):
    page = client.get("/help/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Entries and timetables" in text and "What do we do about a timetable clash?" in text
    assert "Unpublished" not in text
    found = client.get("/help/", {"q": "certificates"}).content.decode()
    assert "When will our certificates arrive?" in found
    assert "timetable clash" not in found
    assert client.get("/help/", {"q": "x" * 201}).status_code == 400


def test_an_answer_has_its_page_and_an_unpublished_one_is_not_found(client, answers):
    published = HelpAnswer.objects.get(question__startswith="Do late entry")
    page = client.get(published.get_absolute_url())
    assert page.status_code == 200
    assert "Entries made after the last late-entry period are refused." in page.content.decode()
    assert client.get(answers.get_absolute_url()).status_code == 404


def test_suggestions_answer_json_for_the_query_form(client, answers):
    data = client.get("/help/suggest/", {"q": "How do we ask for a clerical re-check"}).json()
    assert data["answers"][0]["question"] == "How do we ask for a clerical re-check?"
    assert data["answers"][0]["url"].startswith("/help/")
    assert len(client.get("/help/suggest/", {"q": "the"}).json()["answers"]) <= 5
    assert client.get("/help/suggest/", {"q": "y" * 201}).status_code == 400


def test_the_query_form_offers_the_help_centre(client, officer_gb):
    sign_in(client, officer_gb)
    page = client.get("/queries/new/").content.decode()
    assert 'data-suggest-url="/help/suggest/"' in page
    assert 'href="/help/"' in page


def test_customer_services_keep_the_answers_and_other_roles_do_not(client, answers):
    from portal.accounts.roles import CUSTOMER_SERVICES, RESULTS_TEAM, sync_roles

    sync_roles()
    desk = StaffFactory(username="desk", roles=[CUSTOMER_SERVICES])
    assert desk.has_perm("queries.change_helpanswer")
    assert sign_in(client, desk).get("/admin/queries/helpanswer/").status_code == 200
    results = StaffFactory(username="results", roles=[RESULTS_TEAM])
    assert not results.has_perm("queries.change_helpanswer")
