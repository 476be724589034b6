"""The rules of queries.

Every status change goes through ``portal.workflow.transition`` (lock, check, save, audit);
the clock ``query.answer`` and the notices move in the same transaction.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from complaints import services as complaints
from complaints.helpdesk.models import BODY_MAX, SUBJECT_MAX, Query
from complaints.models import Category, Submitter
from entries.models import Candidate, Syllabus
from portal.accounts.models import User
from portal.accounts.roles import CUSTOMER_SERVICES
from portal.cases.notices import tell_centre, tell_team
from portal.cases.services import open_case
from portal.errors import PortalError
from portal.permissions import is_staff_user
from portal.rules import Choice, Flag, Text
from portal.sla import services as sla
from portal.workflow import transition

Status = Query.Status

REFERRAL_ROLES = Query.QUEUE.teams
# The promise of an answer within two working days.
QUERY_ANSWER = "query.answer"


# The rules of what is asked and answered: the page's form and the API's serializer check
# with these too, so both say the same (portal/rules.py).
SUBJECT = Text("subject", label="Subject", most=SUBJECT_MAX, missing="Give a subject.")
BODY = Text("body", label="Your query", most=BODY_MAX, missing="Say what your query is.", rows=6)
SYLLABUS_CODE = Text(
    "syllabus_code",
    label="Syllabus code (if it is about one)",
    most=4,
    pattern=r"[0-9]{4}",
    invalid="A syllabus code is four digits, e.g. 0580.",
    numeric=True,
)
CANDIDATE_NUMBER = Text(
    "candidate_number",
    label="Candidate number (if it is about one)",
    most=4,
    pattern=r"[0-9]{4}",
    invalid="A candidate number is four digits.",
    numeric=True,
)
RESPONSE = Text(
    "response",
    label="The answer the centre is sent",
    most=BODY_MAX,
    missing="Give the answer.",
    help_text="What the centre is told.",
    rows=5,
)
REFERRAL_ROLE = Choice(
    "role",
    label="Team",
    choices=Query.QUEUE.choices,
    missing="Choose the team to refer it to.",
    invalid=f"Refer a query to one of: {', '.join(REFERRAL_ROLES)}.",
    prompt="Choose a team",
    help_text="The staff role whose queue the query goes to.",
)
CATEGORY = Choice(
    "category",
    label="What the complaint is about",
    choices=Category.choices,
    missing="Choose what the complaint is about.",
    invalid="Choose what the complaint is about.",
)
FORMAL = Flag(
    "formal",
    label="Take it as",
    yes="A formal complaint",
    no="An expression of dissatisfaction",
    help_text="False: an expression of dissatisfaction, not a formal complaint.",
)


def _about(centre, *, syllabus_code: str, candidate_number: str):
    """The syllabus and candidate a query names, if any; a code or number that is not the
    centre's is refused as unknown."""
    syllabus = candidate = None
    if syllabus_code:
        syllabus = Syllabus.objects.filter(code=syllabus_code.strip()).first()
        if syllabus is None:
            raise PortalError("No syllabus has that code.", field="syllabus_code")
    if candidate_number:
        candidate = (
            Candidate.objects.filter(centre=centre, candidate_number=candidate_number.strip())
            .order_by("-series__results_release_at", "-pk")
            .first()
        )
        if candidate is None:
            raise PortalError(
                f"{centre.number} has no candidate with that number.", field="candidate_number"
            )
    return syllabus, candidate


def refuse_asking_for_others(user) -> None:
    """Staff ask on a centre's behalf only in a role that takes queries (customer services):
    403 for any other."""
    if is_staff_user(user) and not user.has_perm("queries.add_query"):
        raise PermissionDenied("Your role does not take queries on a centre's behalf.")


def open_query(
    *,
    centre,
    by: User,
    subject: str,
    body: str,
    syllabus_code: str = "",
    candidate_number: str = "",
    at: dt.datetime | None = None,
) -> Query:
    """Take a centre's query: check it, open the case with the clock ``query.answer``, tell
    the centre when to expect the answer and customer services that it is waiting."""
    at = at or timezone.now()
    refuse_asking_for_others(by)
    subject, body = SUBJECT.clean(subject), BODY.clean(body)
    syllabus, candidate = _about(
        centre,
        syllabus_code=SYLLABUS_CODE.clean(syllabus_code),
        candidate_number=CANDIDATE_NUMBER.clean(candidate_number),
    )
    with transaction.atomic():
        case = open_case(
            Query,
            by=by,
            at=at,
            clocks=[QUERY_ANSWER],
            summary="Query received",
            centre=centre,
            subject=subject,
            body=body,
            syllabus=syllabus,
            candidate=candidate,
            submitted_by=by if by.is_authenticated else None,
            team=CUSTOMER_SERVICES,
        )
        tell_centre(case, kind="query", step="received", at=at, answer=sla.promise(QUERY_ANSWER))
    return case


def open_emailed_query(
    *, contact_email: str, contact_name: str = "", subject: str, body: str, at=None
) -> Query:
    """A query that came by email from an address that is no exams officer's: no centre,
    in customer services' queue with the clock ``query.answer``; the answer goes to the
    address it came from."""
    at = at or timezone.now()
    subject, body = SUBJECT.clean(subject), BODY.clean(body)
    with transaction.atomic():
        case = open_case(
            Query,
            at=at,
            clocks=[QUERY_ANSWER],
            summary="Query received by email",
            subject=subject,
            body=body,
            contact_email=contact_email,
            contact_name=contact_name[:200],
            team=CUSTOMER_SERVICES,
        )
        tell_centre(case, kind="query", step="received", at=at, answer=sla.promise(QUERY_ANSWER))
    return case


def answer_query(case: Query, *, by: User, response: str, at: dt.datetime | None = None) -> Query:
    """Answer: the centre is told the answer, and ``query.answer`` stops."""
    at = at or timezone.now()
    response = RESPONSE.clean(response)
    with transaction.atomic():
        case, moved = transition(
            case,
            "answer",
            by=by,
            summary="Answered",
            update=dict(response=response, answered_at=at, answered_by=by),
            at=at,
        )
        if moved:
            sla.stop_clock(case, code=QUERY_ANSWER, at=at, by=by)
            tell_centre(case, kind="query", step="answered", at=at, response=response)
    return case


def refer_query(case: Query, *, by: User, role: str, at: dt.datetime | None = None) -> Query:
    """Refer to a specialist team: the query moves to that team's queue, the clock keeps
    running, the centre is told who has it and the team that it is theirs now."""
    at = at or timezone.now()
    role = REFERRAL_ROLE.clean(role)
    if case.referred_to == role and case.status == Status.REFERRED:
        return case
    with transaction.atomic():
        case, _ = transition(
            case,
            "refer",
            by=by,
            summary=f"Referred to the {role.lower()}",
            data={"role": role},
            update=dict(referred_to=role),
            at=at,
        )
        step = f"referred:{role}"
        tell_centre(
            case,
            kind="query",
            step=step,
            notice="referred",
            at=at,
            role=role,
            answer=sla.promise(QUERY_ANSWER),
        )
        tell_team(case, role, step=step, notice="referred", at=at)
    return case


def take_as_complaint(
    case: Query,
    *,
    by: User,
    category: str,
    formal: bool = True,
    at: dt.datetime | None = None,
):
    """Take a query that is a complaint (or an expression of dissatisfaction) for what it is:
    a complaint case opens with the query's words, as the centre wrote them; the query closes
    and its clock stops, and the centre is told the complaint's reference."""
    at = at or timezone.now()
    category, formal = CATEGORY.clean(category), FORMAL.clean(formal)
    with transaction.atomic():
        locked = Query.objects.select_for_update().get(pk=case.pk)
        if locked.complaint_id is not None:
            return locked
        data = {"category": category, "subject": locked.subject, "description": locked.body}
        if locked.centre_id is None:
            # Someone with no centre who wrote by email: their complaint is a member of the
            # public's, answered at the address the query came from.
            complaint = complaints.submit_complaint(
                data={
                    **data,
                    "contact_name": locked.contact_name or locked.contact_email,
                    "contact_email": locked.contact_email,
                },
                submitter_type=Submitter.LEARNER,
                formal=formal,
                at=at,
            )
        else:
            complaint = complaints.submit_complaint(
                data=data,
                centre=locked.centre,
                submitted_by=locked.submitted_by or by,
                submitter_type=Submitter.CENTRE,
                formal=formal,
                at=at,
            )
        case, _ = transition(
            locked,
            "take-as-complaint",
            by=by,
            summary=f"Taken as {complaint.get_kind_display().lower()} {complaint.reference}",
            data={"complaint": complaint.reference},
            update=dict(complaint=complaint),
            at=at,
        )
        sla.stop_clock(case, code=QUERY_ANSWER, at=at, by=by)
        tell_centre(case, kind="query", step="complaint", at=at, complaint=complaint)
    return case
