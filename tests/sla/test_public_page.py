import pytest
import time_machine
from django.urls import reverse

from portal.sla.models import ServiceLevel
from tests.sla.conftest import london
from tests.sla.figures import ACK, NOW, clock, known_clocks

pytestmark = pytest.mark.django_db

URL = reverse("sla:charter")
DECEMBER = london(2026, 12, 2, 9)


@pytest.fixture
def clocks(centre_gb, centre_pk):
    return known_clocks(centre_gb, centre_pk)


def standing_of(client, at):
    with time_machine.travel(at, tick=False):
        response = client.get(URL)
    assert response.status_code == 200
    return response, {item.rule.code: item for item in response.context["standing"]}


def test_public_page_needs_no_sign_in_and_lists_the_charter(client, db):
    response, standing = standing_of(client, NOW)
    assert set(standing) == set(
        ServiceLevel.objects.filter(active=True).values_list("code", flat=True)
    )
    content = response.content.decode()
    assert "Acknowledge a complaint" in content
    assert '<td data-label="Within">2 working days</td>' in content
    assert "Customer services" in content


def test_public_page_states_last_months_figures(client, clocks):
    response, standing = standing_of(client, DECEMBER)
    november = standing[ACK].figures
    # By December both November clocks left running have missed their dates.
    assert (november.started, november.met, november.late, november.open, november.overdue) == (
        4, 1, 0, 2, 2,
    )  # fmt: skip
    assert (november.withdrawn, november.on_time_percent) == (1, 33)
    content = response.content.decode()
    assert "November 2026" in content
    assert (
        "<strong>33%</strong> met on time, of the 3 cases finished or past the deadline" in content
    )
    assert "1 met on time, 0 finished late, 2 still open (2 overdue), 1 withdrawn." in content
    assert standing["ear.acknowledge"].figures is None
    assert "No cases" in content


def test_public_page_figures_are_cached_briefly(client, clocks, settings):
    # A cache in this process, whose clock time_machine moves (Redis keeps its own time).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    standing_of(client, DECEMBER)
    ServiceLevel.objects.filter(code=ACK).update(name="Renamed")
    _, cached = standing_of(client, london(2026, 12, 2, 9, 4))
    _, fresh = standing_of(client, london(2026, 12, 2, 9, 6))
    assert (cached[ACK].rule.name, fresh[ACK].rule.name) == ("Acknowledge a complaint", "Renamed")


def test_footer_links_to_the_public_page(client, db):
    assert URL in client.get(reverse("accounts:login")).content.decode()


def test_public_page_figures_agree_when_every_case_finished(client, centre_gb):
    clock(centre_gb, ACK, london(2026, 11, 2, 10), london(2026, 11, 3, 10))
    clock(centre_gb, ACK, london(2026, 11, 2, 10), london(2026, 11, 9, 10))
    response, standing = standing_of(client, DECEMBER)
    content = " ".join(response.content.decode().split())
    assert (
        "<strong>50%</strong> met on time, of the 2 cases finished or past the deadline" in content
    )
    assert "1 met on time, 1 finished late, 0 still open." in content
    assert "1 of 2 finished" not in content


def test_public_page_without_an_outcome_yet_says_so(client, centre_gb):
    clock(centre_gb, "ear.outcome", london(2026, 11, 30, 10))
    response, standing = standing_of(client, DECEMBER)
    content = " ".join(response.content.decode().split())
    assert "None finished or past the deadline yet" in content
    assert "0 met on time, 0 finished late, 1 still open." in content


def test_public_page_quotes_no_example_date_of_a_past_series(client, db):
    response, standing = standing_of(client, NOW)

    assert "2021" not in response.content.decode()
    assert standing["qa.review"].rule.limit_text == (
        "by a date set for each series, given with every request"
    )


def test_migration_replaces_the_2021_example_but_not_staffs_own_words(db):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("portal.sla.migrations.0006_qa_review_text_without_2021_example")
    review = ServiceLevel.objects.get(code="qa.review")
    review.limit_text = migration.OLD
    review.save(update_fields=["limit_text"])

    migration.drop_the_2021_example(apps, None)
    review.refresh_from_db()
    assert review.limit_text == "by a date set for each series, given with every request"

    ServiceLevel.objects.filter(pk=review.pk).update(limit_text="By 14 July")
    migration.drop_the_2021_example(apps, None)
    review.refresh_from_db()
    assert review.limit_text == "By 14 July"
