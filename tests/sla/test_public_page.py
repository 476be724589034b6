import pytest
import time_machine
from django.urls import reverse

from portal.sla.models import ServiceLevel
from tests.sla.conftest import london
from tests.sla.figures import ACK, NOW, known_clocks

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
    assert (november.started, november.met, november.breached, november.on_time_percent) == (
        4, 1, 2, 33,
    )  # fmt: skip
    content = response.content.decode()
    assert "November 2026" in content
    assert "<strong>33%</strong> met on time" in content
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
