"""Reading centre applications: the home page section, the improvements asked for."""

from dataclasses import dataclass, field

from centres.registration.applications import (
    ApplicationRound,
    CentreApplication,
    Judgement,
    SelfAssessment,
)

HOME_SHOWN = 10


def home_section(user, centres) -> dict | None:
    """An applicant's own applications; the registration team's open ones, next due first."""
    if user.is_staff and not user.has_perm("registration.view_centreapplication"):
        return None
    cases = CentreApplication.objects.visible_to(user).select_related("centre")
    if user.is_staff:
        cases = cases.open().order_by("next_due", "created_at")
    else:
        cases = cases.filter(applicant=user).order_by("-created_at")
    cases = list(cases[:HOME_SHOWN])
    if not cases:
        return None
    return {
        "template": "registration/_home_section.html",
        "cases": cases,
        "staff": user.is_staff,
    }


@dataclass(frozen=True)
class ImprovementsAsked:
    """What the registration team asked the school to improve: in general (``note``) and
    per standard (``standards``: code to the judged assessment, whose ``improvement`` says
    what to do)."""

    note: str = ""
    standards: dict[str, SelfAssessment] = field(default_factory=dict)

    def of_area(self, area: int) -> list[SelfAssessment]:
        return [a for a in self.standards.values() if a.area == area]


def improvements_asked(application: CentreApplication) -> ImprovementsAsked:
    """While the school revises its application, the improvements the last decision asked
    for; nothing at any other time (once resubmitted, they are read with their round)."""
    if application.status != CentreApplication.Status.IMPROVEMENTS_NEEDED:
        return ImprovementsAsked()
    decided = (
        application.rounds.filter(outcome=ApplicationRound.Outcome.IMPROVEMENTS_NEEDED)
        .order_by("-number")
        .first()
    )
    if decided is None:
        return ImprovementsAsked()
    judged = decided.assessments.filter(judgement=Judgement.IMPROVEMENT_NEEDED)
    return ImprovementsAsked(
        note=decided.outcome_note, standards={a.code: a for a in judged.order_by("area", "number")}
    )
