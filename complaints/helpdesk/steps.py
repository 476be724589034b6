"""The moves of a query, each declared once for its page and its API (portal/cases/steps.py)."""

from django.utils.translation import gettext_lazy as _

from complaints.helpdesk import services
from complaints.helpdesk.models import Query
from portal.cases.steps import Opening, Step, Steps

OPENING = Opening(
    Query,
    services.open_query,
    services.SUBJECT,
    services.BODY,
    services.SYLLABUS_CODE,
    services.CANDIDATE_NUMBER,
    noun="Query",
    refuse=services.refuse_asking_for_others,
    centre_help="The centre's number: needed by staff asking on a centre's behalf, and by "
    "officers of several centres.",
)

STEPS = Steps(
    Query,
    {
        "answer": Step(
            services.answer_query,
            services.RESPONSE,
            button=_("Send the answer"),
            done="Answer sent to the centre.",
        ),
        "refer": Step(
            services.refer_query,
            services.REFERRAL_ROLE,
            button=_("Refer"),
            hint=_(
                "The query goes to that team's queue; the clock keeps running and the centre "
                "is told who has it."
            ),
            done=lambda case, role: f"Referred to the {role.lower()}; the centre has been told.",
        ),
        "take-as-complaint": Step(
            services.take_as_complaint,
            services.CATEGORY,
            services.FORMAL,
            hint=_(
                "When the query is a complaint or an expression of dissatisfaction: it opens "
                "as one, in the centre's words, and the query closes."
            ),
            done=lambda case, **_: (
                f"Taken as {case.complaint.reference}; the centre has been told."
            ),
        ),
    },
)
