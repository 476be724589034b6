import pytest

from portal import audit
from portal.centres.models import Centre
from portal.errors import TransitionNotAllowed
from portal.references import next_reference
from portal.workflow import transition

pytestmark = pytest.mark.django_db


def test_transition_allowed_moves_saves_and_audits(centre_gb, staff_user):
    centre, moved = transition(centre_gb, Centre.Status.SUSPENDED, by=staff_user)
    assert moved is True
    assert Centre.objects.get(pk=centre_gb.pk).status == "suspended"
    event = audit.history_of(centre).get()
    assert (event.actor, event.action, event.data) == (
        staff_user,
        "status",
        {"from": "active", "to": "suspended"},
    )


def test_transition_repeated_is_quiet(centre_gb, staff_user):
    transition(centre_gb, Centre.Status.SUSPENDED, by=staff_user)
    _, moved = transition(centre_gb, Centre.Status.SUSPENDED, by=staff_user)
    assert moved is False
    assert audit.history_of(centre_gb).count() == 1


def test_transition_refused_changes_nothing(centre_gb, staff_user):
    transition(centre_gb, Centre.Status.CLOSED, by=staff_user)
    with pytest.raises(TransitionNotAllowed, match="closed; it cannot move to active"):
        transition(centre_gb, Centre.Status.ACTIVE, by=staff_user)
    assert Centre.objects.get(pk=centre_gb.pk).status == "closed"
    assert audit.history_of(centre_gb).count() == 1


def test_next_reference_counts_per_prefix_and_year():
    first = next_reference("CMP")
    assert first.startswith("CMP-") and first.endswith("-000001")
    assert next_reference("CMP").endswith("-000002")
    assert next_reference("EAR").endswith("-000001")
    assert next_reference("CMP").endswith("-000003")
