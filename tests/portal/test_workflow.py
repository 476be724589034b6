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


def test_a_repeat_is_told_from_the_row_not_the_audit_trail(centre_gb, registrar):
    transition(centre_gb, "suspend", by=registrar)
    assert Centre.objects.get(pk=centre_gb.pk).last_move == "suspend"
    audit.history_of(centre_gb).delete()  # pruning the trail changes nothing

    _, moved = transition(centre_gb, "suspend", by=registrar)

    assert moved is False


def test_a_status_reached_by_another_move_refuses_a_repeat(centre_gb, registrar):
    Centre.objects.filter(pk=centre_gb.pk).update(status="suspended", last_move="")
    with pytest.raises(TransitionNotAllowed, match="suspended"):
        transition(centre_gb, "suspend", by=registrar)


def test_every_model_with_a_life_cycle_keeps_its_last_move():
    from django.apps import apps

    from portal.workflow import RecordsMoves

    with_moves = [m for m in apps.get_models() if hasattr(m, "MOVES")]
    assert len(with_moves) > 10
    assert [m for m in with_moves if not issubclass(m, RecordsMoves)] == []


def test_the_migration_takes_last_moves_from_the_audit_trail(centre_gb, centre_pk, registrar):
    from django.apps import apps

    from portal.workflow import RecordsMoves, last_moves_from_audit

    transition(centre_gb, "suspend", by=registrar)
    audit.record(centre_pk, "status", data={"from": "active", "to": "closed"})  # no move named
    Centre.objects.update(last_move="")

    last_moves_from_audit("centres", "Centre")(apps, None)

    assert Centre.objects.get(pk=centre_gb.pk).last_move == "suspend"
    assert Centre.objects.get(pk=centre_pk.pk).last_move == RecordsMoves.ANY_MOVE


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
