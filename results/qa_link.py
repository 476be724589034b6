"""Results held while quality assurance of a centre's syllabus is under way (seed 004: no
results until QA is complete). The QA app calls these from its hooks (``qa.services.on_opened``
and ``on_settled``), registered in ``ResultsConfig.ready``: a request opened holds the
centre's results of the syllabus in the series; accepted, they show; adjusted, the grades staff
set replace those of the results already loaded, then they show."""

from qa.models import QaRequest
from results import services
from results.models import QaHold, Result


def hold_for(request: QaRequest) -> None:
    services.hold_results(
        centre=request.centre,
        series=request.series,
        syllabus=request.syllabus,
        reference=request.reference,
    )


def release_for(request: QaRequest) -> None:
    hold = (
        QaHold.objects.open()
        .filter(centre=request.centre, series=request.series, syllabus=request.syllabus)
        .first()
    )
    if hold is None:
        return
    last_round = request.rounds.select_related("decided_by").order_by("-number").first()
    by = last_round.decided_by if last_round else None
    if request.status != QaRequest.Status.ADJUSTED:
        services.release_hold(hold, outcome=QaHold.Outcome.ACCEPTED, by=by)
        return
    loaded = set(
        Result.objects.filter(
            centre=request.centre, series=request.series, syllabus=request.syllabus
        ).values_list("candidate__candidate_number", flat=True)
    )
    # Results already loaded change now, with their history; a result loaded later carries
    # the grade the results team loads (qa.services.final_grade tells them which).
    grades = {
        adjusted.candidate.candidate_number: adjusted.grade
        for adjusted in request.adjusted.select_related("candidate")
        if adjusted.candidate.candidate_number in loaded
    }
    services.adjust_held_results(hold, grades=grades, by=by)
