"""The moves of an enquiry about results, each declared once for its page and its API
(portal/cases/steps.py)."""

from django.utils.translation import gettext_lazy as _

from portal.cases.steps import Step, Steps
from results.enquiries import services
from results.enquiries.models import Enquiry


def _outcome_sent(case, **values) -> str:
    if case.fee_waived:
        return "Outcome sent: the grade changed, the result shows it and the fee is waived."
    return "Outcome sent: the grade is confirmed."


STEPS = Steps(
    Enquiry,
    {
        "acknowledge": Step(
            services.acknowledge_enquiry,
            button=_("Confirm receipt"),
            done="Receipt confirmed; the centre has been told.",
        ),
        "outcome": Step(
            services.send_outcome,
            services.GRADE,
            services.OUTCOME_NOTE,
            hint=_("The same grade confirms it; another changes the result and waives the fee."),
            done=_outcome_sent,
        ),
        # Drawn by the page with the appeal's window.
        "appeal": Step(
            services.appeal_outcome, services.GROUNDS, drawn=False, done="Appeal received."
        ),
        "decide-appeal": Step(
            services.decide_appeal,
            services.APPEAL_GRADE,
            services.DECISION,
            button=_("Decide"),
            done="Appeal decided; the centre has been told.",
        ),
    },
)
