"""Access arrangements, special consideration and appeals of one centre at every status,
through the services, for the cross-centre world (``tests/isolation/world.py``)."""

from entries.arrangements import services
from entries.arrangements.models import AccessArrangement, Appeal, Category, SpecialConsideration
from tests.factories import CandidateFactory, EntryFactory, SyllabusFactory


def cases_at_every_status(centre, officer, *, staff, director, series, tag: str) -> dict:
    """``{model: {status: case}}``: the original decisions by ``staff``, the appeals
    decided by ``director`` (who took no part in them)."""
    syllabus = SyllabusFactory(code="0580")
    candidate = CandidateFactory(
        centre=centre, series=series, candidate_number="0001", surname=f"Isolation {tag}"
    )
    EntryFactory(candidate=candidate, syllabus=syllabus)

    def aa(arrangement):
        return services.apply_for_access_arrangement(
            centre=centre,
            series=series,
            candidate_number="0001",
            arrangement=arrangement,
            reason=f"Needs it ({tag}).",
            by=officer,
        )

    def sc():
        return services.apply_for_special_consideration(
            centre=centre,
            series=series,
            candidate_number="0001",
            syllabus=syllabus,
            category=Category.PRESENT_DISADVANTAGED,
            reason=f"Fire alarm ({tag}).",
            by=officer,
        )

    def declined_aa(arrangement):
        return services.decline_access_arrangement(aa(arrangement), by=staff, reason="No.")

    def appealed(case):
        return services.lodge_appeal(case, grounds="The evidence covers it.", by=officer)

    aa_received = aa("reader")
    aa_acknowledged = services.acknowledge_access_arrangement(aa("scribe"), by=staff)
    aa_approved = services.approve_access_arrangement(aa("modified_paper"), by=staff)
    appeal_received = appealed(declined_aa("practical_assistant"))
    aa_declined = declined_aa("extra_time_over_25")
    appeal_not_upheld = services.dismiss_appeal(appealed(aa_declined), by=director, outcome="No.")

    sc_not_granted = services.decline_special_consideration(sc(), by=staff, reason="No.")
    upheld_against = services.decline_special_consideration(sc(), by=staff, reason="No.")
    appeal_upheld = services.uphold_appeal(
        appealed(upheld_against), by=director, outcome="Yes.", adjustment_percent=2
    )
    sc_granted = services.grant_special_consideration(sc(), by=staff, adjustment_percent=3)
    sc_received = sc()

    found = {
        AccessArrangement: [aa_received, aa_acknowledged, aa_approved, aa_declined],
        SpecialConsideration: [sc_received, sc_granted, sc_not_granted],
        Appeal: [appeal_received, appeal_upheld, appeal_not_upheld],
    }
    by_model = {}
    for model, cases in found.items():
        by_status = {case.status: model.objects.get(pk=case.pk) for case in cases}
        missing = set(model.Status.values) - set(by_status)
        assert not missing, f"The world has no {model.__name__} at {sorted(missing)}: add one."
        by_model[model] = by_status
    return by_model
