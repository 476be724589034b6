import pytest
from django.core.exceptions import PermissionDenied

from portal import audit
from portal.accounts.roles import REGISTRATION_TEAM, RESULTS_TEAM
from portal.centres.models import Centre
from portal.errors import TransitionNotAllowed
from portal.references import next_reference
from portal.workflow import actions_for, transition
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registrar(db):
    return StaffFactory(username="registrar", roles=[REGISTRATION_TEAM])


def test_transition_allowed_moves_saves_and_audits(centre_gb, registrar):
    centre, moved = transition(centre_gb, "suspend", by=registrar)
    assert moved is True
    assert Centre.objects.get(pk=centre_gb.pk).status == "suspended"
    event = audit.history_of(centre).get()
    assert (event.actor, event.action, event.data) == (
        registrar,
        "status",
        {"move": "suspend", "from": "active", "to": "suspended"},
    )


def test_transition_update_dict_sets_values_and_reads_the_locked_row(centre_gb, registrar):
    Centre.objects.filter(pk=centre_gb.pk).update(name="Riverside")  # centre_gb is stale now

    transition(
        centre_gb,
        "suspend",
        by=registrar,
        update={"email": "exams@example.org", "name": lambda c: f"{c.name} (suspended)"},
    )

    saved = Centre.objects.get(pk=centre_gb.pk)
    assert (saved.status, saved.email, saved.name) == (
        "suspended",
        "exams@example.org",
        "Riverside (suspended)",
    )


def test_transition_repeated_is_quiet(centre_gb, registrar):
    transition(centre_gb, "suspend", by=registrar)
    _, moved = transition(centre_gb, "suspend", by=registrar)
    assert moved is False
    assert audit.history_of(centre_gb).count() == 1


def test_transition_refused_changes_nothing(centre_gb, registrar):
    transition(centre_gb, "close", by=registrar)
    with pytest.raises(TransitionNotAllowed, match="closed; it cannot move to suspended"):
        transition(centre_gb, "suspend", by=registrar)
    assert Centre.objects.get(pk=centre_gb.pk).status == "closed"
    assert audit.history_of(centre_gb).count() == 1


def test_transition_by_a_role_without_the_permission_is_refused(centre_gb):
    outsider = StaffFactory(username="results", roles=[RESULTS_TEAM])
    with pytest.raises(PermissionDenied):
        transition(centre_gb, "suspend", by=outsider)
    assert Centre.objects.get(pk=centre_gb.pk).status == "active"
    assert audit.history_of(centre_gb).count() == 0


def test_transition_by_the_portal_itself_needs_no_permission(centre_gb):
    _, moved = transition(centre_gb, "suspend", by=None)
    assert moved is True


def test_actions_for_answers_the_moves_of_this_person_now(centre_gb, registrar, officer_gb):
    assert [m.name for m in actions_for(registrar, centre_gb)] == ["suspend", "close"]
    assert actions_for(officer_gb, centre_gb) == []


def test_next_reference_counts_per_prefix_and_year():
    first = next_reference("CMP")
    assert first.startswith("CMP-") and first.endswith("-000001")
    assert next_reference("CMP").endswith("-000002")
    assert next_reference("EAR").endswith("-000001")
    assert next_reference("CMP").endswith("-000003")
