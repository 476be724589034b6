"""The query as a case type: how it opens, its moves (each declared once for its page and its
API, portal/cases/steps.py), and its pages and API (portal/cases/types.py)."""

from django.utils.translation import gettext_lazy as _

from complaints.helpdesk import services
from complaints.helpdesk.models import Query
from portal.cases.steps import Opening, Step, Steps
from portal.cases.types import CaseType

OPENING = Opening(
    Query,
    services.open_query,
    services.SUBJECT,
    services.BODY,
    services.SYLLABUS_CODE,
    services.CANDIDATE_NUMBER,
    refuse=services.refuse_asking_for_others,
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

QUERIES = CaseType(
    Query,
    OPENING,
    STEPS,
    api="queries",
    about="""Queries of the user's centres (staff whose role works with them: all).

    An officer asks with ``subject`` and ``body`` (optionally ``syllabus_code`` and
    ``candidate_number``); customer services may ask on a centre's behalf with ``centre``.
    Clock ``query.answer`` starts at creation; ``answer`` stops it, ``refer`` passes the
    query to a specialist team's queue while it runs on.""",
    fields=[
        "subject",
        "body",
        ("syllabus_code", "syllabus.code"),
        ("candidate_number", "candidate.candidate_number"),
        "referred_to",
        "response",
        "answered_at",
        ("complaint", "complaint.reference"),
    ],
    filters={"referred_to": "referred_to"},
)
