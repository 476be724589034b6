"""The moves of a complaint that take no more than a person's words, each declared once for
its page and its API (portal/cases/steps.py). The complaint's page draws their forms itself
(among the other moves, which still have pages and API actions of their own)."""

from complaints import services
from complaints.models import Complaint
from portal.cases.steps import Step, Steps

STEPS = Steps(
    Complaint,
    {
        "acknowledge": Step(services.acknowledge_complaint, drawn=False, done="Acknowledged."),
        "claim": Step(
            services.claim_complaint, drawn=False, done="You are investigating this case."
        ),
        "escalate": Step(
            services.escalate_complaint,
            services.REASONS,
            drawn=False,
            schema_name="Reasons",
            done="Your request for a Director's review has been sent.",
        ),
        "decide": Step(
            services.decide_escalation,
            services.DECISION,
            drawn=False,
            schema_name="Decision",
            done="The Director's decision was sent; the case is closed.",
        ),
        "release": Step(services.release_held, drawn=False, done="Released from review."),
        "decline": Step(
            services.close_held,
            services.NOT_TAKEN_FURTHER,
            drawn=False,
            schema_name="Reason",
            done="Declined; the person was told why.",
        ),
    },
)
