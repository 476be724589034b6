"""The rules of the complaints procedure: intake, routing, the life cycle and restrictions.

Every status change goes through ``portal.workflow.transition`` (lock, check, save, audit);
the clocks move in the same transaction; emails leave after the commit.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from complaints.attachments import ATTACHMENTS
from complaints.models import (
    ACKNOWLEDGE,
    CHANGE,
    RESPOND,
    TEXT_MAX,
    Category,
    Complaint,
    ContactRestriction,
    Kind,
    Message,
    Route,
    Submitter,
)
from complaints.routing import LEARNER_TYPES, route_submission
from portal import audit
from portal.accounts.models import User
from portal.accounts.roles import CUSTOMER_SERVICES, DIRECTOR
from portal.calendar import end_of_day, london_date, long_date
from portal.cases.notices import link, notice_text
from portal.cases.services import AlreadyClaimed, acknowledge_case, claim_case, open_case
from portal.errors import PortalError, TransitionNotAllowed
from portal.notifications import Address, Role, notify
from portal.notifications.texts import render_text
from portal.permissions import centres_visible_to, is_staff_user
from portal.rules import Text
from portal.sla import services as sla
from portal.storage import files_discarded_on_failure
from portal.uploads.services import attach_files, check_files
from portal.workflow import actions_for, authorize, transition

Status = Complaint.Status

REQUIRED = ("subject", "description")
OPTIONAL = (
    "qualification",
    "syllabus_code",
    "candidate_number",
    "candidate_name",
    "previous_correspondence",
)


__all__ = ["AlreadyClaimed"]


# What complainants and staff write on the moves declared once (complaints/steps.py): the
# pages' forms and the API's serializers check with these too (portal/rules.py).
REASONS = Text(
    "reasons",
    label="Why are you not happy with the way your complaint was investigated?",
    most=TEXT_MAX,
    missing="Say why you are not happy with the investigation.",
    rows=6,
)
DECISION = Text(
    "decision",
    label="The Director's decision",
    most=TEXT_MAX,
    missing="Write the Director's decision.",
    rows=6,
)
NOT_TAKEN_FURTHER = Text(
    "reason",
    label="Why it is not taken further",
    most=TEXT_MAX,
    missing="Say why it is not taken further.",
    rows=4,
)


def _require(value: str, *, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise PortalError(message, field=field)
    return value


def submitting_centre(user: User, *, chosen=None):
    """The centre a signed-in person's submission is from: the one they chose, or, for an
    exams officer of exactly one centre who did not say, that centre."""
    if chosen is not None or user.is_staff:
        return chosen
    centres = list(centres_visible_to(user)[:2])
    if len(centres) != 1:
        raise PortalError("Say which of your centres this is from.", field="centre")
    return centres[0]


def _check_submission(
    data: dict, *, centre, submitter_type: str, submitted_by: User | None
) -> None:
    for field in REQUIRED:
        _require(data.get(field, ""), field=field, message="This field is required.")
    if data.get("category") not in Category.values:
        raise PortalError("Choose what the complaint is about.", field="category")
    if data["category"] == Category.QUESTION_PAPER and data.get("series") is None:
        raise PortalError("Say which exam series the question paper was in.", field="series")
    if submitter_type == Submitter.CENTRE and centre is None:
        raise PortalError("Say which centre the complaint is from.", field="centre")
    if (
        submitter_type == Submitter.CENTRE
        and submitted_by is not None
        and not centres_visible_to(submitted_by).filter(pk=centre.pk).exists()
    ):
        # The same answer as for a centre that does not exist: never confirm another's.
        raise PortalError("No centre has that number.", field="centre")
    if submitter_type in LEARNER_TYPES:
        _require(data.get("contact_name", ""), field="contact_name", message="Give your name.")
        _require(
            data.get("contact_email", ""),
            field="contact_email",
            message="Give an email address so that we can reply.",
        )


def _message_text(complaint: Complaint, message: Message, step: str, team: bool = False):
    """A letter on the thread as an email: the subject with the reference in front, on one
    line whatever line breaks the complaint's subject was typed with."""
    subject, body = notice_text(
        complaint,
        step,
        team=team,
        message=message,
        subject_line=" ".join(complaint.subject.split()),
        link=link(complaint),
    )
    return f"{complaint.reference}: {subject}", body


def _tell(
    complaint: Complaint,
    body: str,
    *,
    kind: str,
    by: User | None = None,
    step: str = "",
    at: dt.datetime | None = None,
) -> Message:
    """Write to the complainant on the thread, and tell them: a notice in the portal inbox
    of the centre's officers, and an email (after the commit) to whoever chose email for
    this kind of step, or to the address a learner or parent gave."""
    at = at or timezone.now()
    message = Message.objects.create(
        complaint=complaint,
        kind=kind,
        author=by if by is not None and by.is_authenticated else None,
        from_staff=True,
        body=body,
        created_at=at,
    )
    subject, body = _message_text(complaint, message, "message")
    notify(
        key=f"complaint:{complaint.pk}:message:{message.pk}",
        kind=step or STEPS[kind],
        to=complaint.complainants(),
        subject=subject,
        body=body,
        reference=complaint.reference,
        url=complaint.get_absolute_url(),
        at=at,
    )
    return message


# The kind of notice each letter to the complainant is (a person chooses kinds for email).
STEPS = {
    Message.Kind.NOTICE: "received",
    Message.Kind.ACKNOWLEDGEMENT: "acknowledged",
    Message.Kind.PROGRESS: "progress",
    Message.Kind.RESPONSE: "answered",
    Message.Kind.DECISION: "decided",
    Message.Kind.MESSAGE: "message",
}


def _restricted(*, email: str, user: User | None) -> ContactRestriction | None:
    return ContactRestriction.objects.restricting(email=email, user=user).first()


def submit_complaint(
    *,
    data: dict,
    centre=None,
    submitted_by: User | None = None,
    submitter_type: str = Submitter.CENTRE,
    files=(),
    formal: bool = True,
    at: dt.datetime | None = None,
) -> Complaint:
    """Take in a complaint or a concern, whoever raised it and however it is routed.

    Steps: check the fields and every file before anything is saved; route the submission
    (a redirected one is kept as an expression of dissatisfaction); hold it for review when
    its contact is restricted; save it with its attachments; start the acknowledgement clock
    of a formal complaint; tell the submitter where it went and why.
    """
    at = at or timezone.now()
    _check_submission(data, centre=centre, submitter_type=submitter_type, submitted_by=submitted_by)
    from_centre = submitter_type == Submitter.CENTRE
    checked = check_files(files, policy=ATTACHMENTS)
    routing = route_submission(
        category=data["category"],
        submitter_type=submitter_type,
        direct_service=data.get("direct_service", ""),
        alleges_malpractice=bool(data.get("alleges_malpractice")),
        series=data.get("series"),
        formal=formal,
        at=at,
    )
    # A centre's complaint is answered to its officers; a contact address is what learners,
    # parents and staff recording for someone without an account give.
    contact_email = (data.get("contact_email") or "").strip() if not from_centre else ""
    restriction = _restricted(email=contact_email, user=submitted_by)
    if restriction is not None:
        status = Status.HELD
    elif routing.is_complaint:
        status = Status.RECEIVED
    elif routing.route == Route.RECORDED:
        status = Status.RECORDED
    else:
        status = Status.REDIRECTED
    kind = Kind.COMPLAINT if routing.is_complaint else Kind.DISSATISFACTION
    with files_discarded_on_failure(), transaction.atomic():
        complaint = open_case(
            Complaint,
            by=submitted_by,
            at=at,
            clocks=[ACKNOWLEDGE] if status == Status.RECEIVED else [],
            summary=f"{kind.label} via {Route(routing.route).label}",
            data={"route": routing.route, "held": restriction is not None},
            # Customer services take in every complaint and concern, and review held ones.
            team=CUSTOMER_SERVICES,
            kind=kind,
            status=status,
            route=routing.route,
            route_reason=routing.reason,
            centre=centre,
            submitter_type=submitter_type,
            submitted_by=submitted_by if submitted_by and submitted_by.is_authenticated else None,
            contact_name=(data.get("contact_name") or "").strip() if not from_centre else "",
            contact_email=contact_email,
            category=data["category"],
            direct_service=data.get("direct_service") or "",
            alleges_malpractice=bool(data.get("alleges_malpractice")),
            series=data.get("series"),
            subject=data["subject"].strip(),
            description=data["description"].strip(),
            held_reason="Restricted contact: new submissions are reviewed first."
            if restriction
            else "",
            **{field: (data.get(field) or "").strip() for field in OPTIONAL},
        )
        attach_files(complaint, checked, policy=ATTACHMENTS, by=submitted_by)
        _tell(complaint, _receipt(complaint), kind=Message.Kind.NOTICE, at=at)
    return complaint


def _letter(complaint: Complaint, name: str, **context) -> str:
    """A letter of the thread, from ``notices/complaints/complaint/letters/<name>.txt``."""
    return render_text(
        f"notices/complaints/complaint/letters/{name}.txt", case=complaint, **context
    )


def _receipt(complaint: Complaint) -> str:
    return _letter(complaint, "receipt", acknowledge=sla.promise(ACKNOWLEDGE))


def acknowledge_complaint(
    complaint: Complaint, *, by: User, at: dt.datetime | None = None
) -> Complaint:
    """Acknowledge: stop ``complaint.acknowledge`` and start ``complaint.respond`` at once."""
    at = at or timezone.now()

    def then(complaint: Complaint) -> None:
        sla.start_clock(complaint, code=RESPOND, at=at)
        _tell(
            complaint,
            _letter(complaint, "acknowledged", respond=sla.promise(RESPOND)),
            kind=Message.Kind.ACKNOWLEDGEMENT,
            by=by,
            at=at,
        )

    return acknowledge_case(complaint, by=by, clock=ACKNOWLEDGE, at=at, then=then)


def _set(complaint: Complaint, **values) -> list[str]:
    for name, value in values.items():
        setattr(complaint, name, value)
    return list(values)


def claim_complaint(complaint: Complaint, *, by: User) -> Complaint:
    """Take an acknowledged case to investigate; of two people claiming it, one wins."""
    return claim_case(complaint, by=by)


def assign_complaint(complaint: Complaint, *, to: User, by: User) -> Complaint:
    """Give the investigation to a senior manager, or hand it to another."""
    if not (is_staff_user(to) and to.has_perm(CHANGE)):
        # Whoever investigates reads the case and its letters: their role must work with it.
        raise PortalError(
            "Only a member of staff whose role works with complaints can investigate.",
            field="assigned_to",
        )
    authorize(complaint, "assign", by=by)
    if complaint.status == Status.INVESTIGATING and complaint.assigned_to_id == to.pk:
        return complaint
    with transaction.atomic():
        complaint, moved = transition(
            complaint,
            "assign",
            by=by,
            action="assigned" if complaint.status == Status.INVESTIGATING else "",
            summary=f"Assigned to {to}",
            data={"assigned_from": complaint.assigned_to_id, "assigned_to": to.pk},
            update=lambda c: _set(c, assigned_to=to),
        )
        if moved and to != by:
            # Each hand-over is its own event: the same person may be given the case again.
            handed_at = timezone.now()
            subject, body = notice_text(complaint, "assigned", team=True, link=link(complaint))
            notify(
                key=f"complaint:{complaint.pk}:assigned:{to.pk}:{handed_at.timestamp()}",
                kind="requested",
                to=[to],
                subject=f"{complaint.reference}: {subject}",
                body=body,
                reference=complaint.reference,
                url=complaint.get_absolute_url(),
            )
    return complaint


def respond_to_complaint(
    complaint: Complaint,
    *,
    by: User,
    response: str,
    root_cause: str = "",
    improvement_action: str = "",
    at: dt.datetime | None = None,
) -> Complaint:
    """Send the investigation's answer: stop ``complaint.respond``."""
    response = _require(response, field="response", message="Write the response.")
    at = at or timezone.now()

    def answer(c: Complaint) -> list[str]:
        values = {"response": response, "answered_at": at}
        if c.assigned_to_id is None:
            values["assigned_to"] = by
        if root_cause:
            values["root_cause"] = root_cause
        if improvement_action:
            values["improvement_action"] = improvement_action
        return _set(c, **values)

    with transaction.atomic():
        complaint, moved = transition(complaint, "respond", by=by, update=answer, at=at)
        if moved:
            sla.stop_clock(complaint, code=RESPOND, at=at, by=by)
            _tell(
                complaint,
                _letter(complaint, "response", response=response),
                kind=Message.Kind.RESPONSE,
                by=by,
                at=at,
            )
    return complaint


MAX_EXTENSION = dt.timedelta(days=366)


def extend_response(
    complaint: Complaint,
    *,
    by: User,
    due_at: dt.datetime,
    reason: str,
    at: dt.datetime | None = None,
) -> Complaint:
    """Give a complex case a later response date and send the complainant a progress update.

    The engine keeps the breach of the original date on record if it had already passed.
    """
    reason = _require(reason, field="reason", message="Explain why the case needs longer.")
    at = at or timezone.now()
    if due_at <= at:
        raise PortalError("The new date must be in the future.", field="due_at")
    if due_at > at + MAX_EXTENSION:
        # A date years away would quietly switch the deadline off.
        raise PortalError(
            f"The new date can be at most {MAX_EXTENSION.days} days from today.", field="due_at"
        )
    # The clock is due at the end of a London day: tell the complainant that day, not the
    # date of the instant typed in (which may be another day in UTC).
    due_day = london_date(due_at)
    with transaction.atomic():
        complaint, _ = transition(
            complaint,
            "extend",
            by=by,
            at=at,
            action="extended",
            summary=f"Response due {due_day:%Y-%m-%d}",
            data={"due_at": end_of_day(due_day).isoformat(), "reason": reason},
            update=lambda locked: _extend_clock(locked, due_at=due_at, by=by, reason=reason, at=at),
        )
        when = long_date(due_day)
        _tell(
            complaint,
            _letter(complaint, "progress", reason=reason, when=when),
            kind=Message.Kind.PROGRESS,
            by=by,
            at=at,
        )
    return complaint


def _extend_clock(complaint: Complaint, **extension) -> list[str]:
    sla.extend_clock(complaint, code=RESPOND, **extension)
    return []


def escalate_complaint(
    complaint: Complaint, *, by: User, reasons: str, at: dt.datetime | None = None
) -> Complaint:
    """The complainant asks, once, for a Director to review the investigation."""
    reasons = REASONS.clean(reasons)
    at = at or timezone.now()
    with transaction.atomic():
        complaint, moved = transition(
            complaint,
            "escalate",
            by=by,
            summary="Escalation to a Director asked for",
            update=lambda c: _set(c, escalation_reasons=reasons, escalated_at=at),
            at=at,
        )
        if moved:
            Message.objects.create(
                complaint=complaint,
                kind=Message.Kind.ESCALATION,
                author=by,
                # Recorded by staff for someone without an account: signed as the team.
                from_staff=by.is_staff,
                body=reasons,
                created_at=at,
            )
            subject, body = notice_text(complaint, "escalated", team=True, link=link(complaint))
            notify(
                key=f"complaint:{complaint.pk}:escalated",
                kind="escalated",
                to=[Role(DIRECTOR)],
                subject=f"{complaint.reference}: {subject}",
                body=body,
                reference=complaint.reference,
                url=complaint.get_absolute_url(),
                at=at,
            )
    return complaint


def decide_escalation(
    complaint: Complaint, *, by: User, decision: str, at: dt.datetime | None = None
) -> Complaint:
    """The Director's review: final, and it closes the case."""
    decision = DECISION.clean(decision)
    at = at or timezone.now()
    with transaction.atomic():
        complaint, moved = transition(
            complaint,
            "decide",
            by=by,
            summary="Director's final decision",
            update=lambda c: _set(c, director_decision=decision, decided_by=by, closed_at=at),
            at=at,
        )
        if moved:
            _tell(
                complaint,
                _letter(complaint, "decision", decision=decision),
                kind=Message.Kind.DECISION,
                by=by,
                at=at,
            )
    return complaint


def release_held(complaint: Complaint, *, by: User, at: dt.datetime | None = None) -> Complaint:
    """Take a held submission on after review, along the route it was given."""
    at = at or timezone.now()
    target = {
        Route.COMPLAINT: Status.RECEIVED,
        Route.RECORDED: Status.RECORDED,
    }.get(complaint.route, Status.REDIRECTED)
    with transaction.atomic():
        complaint, moved = transition(
            complaint,
            "release",
            to=target,
            by=by,
            summary="Released after review",
            data={"held": True},
            at=at,
        )
        if moved and target == Status.RECEIVED:
            sla.start_clock(complaint, code=ACKNOWLEDGE, at=at)
        if moved:
            _tell(complaint, _receipt(complaint), kind=Message.Kind.NOTICE, by=by, at=at)
    return complaint


def close_held(
    complaint: Complaint, *, by: User, reason: str, at: dt.datetime | None = None
) -> Complaint:
    """Decline a held submission, telling the person why: it is closed, never dropped."""
    reason = NOT_TAKEN_FURTHER.clean(reason)
    at = at or timezone.now()
    with transaction.atomic():
        complaint, moved = transition(
            complaint,
            "decline",
            by=by,
            summary="Declined after review",
            data={"reason": reason},
            update=lambda c: _set(c, closed_at=at),
            at=at,
        )
        if moved:
            _tell(complaint, reason, kind=Message.Kind.NOTICE, step="decided", by=by, at=at)
    return complaint


def add_message(complaint: Complaint, *, by: User, body: str, files=()) -> Message:
    """A letter on the thread, from the complainant's centre or from staff."""
    body = _require(body, field="body", message="Write your message.")
    authorize(complaint, "reply", by=by)
    if not any(m.name == "reply" for m in actions_for(by, complaint)):
        raise TransitionNotAllowed(
            "This complaint is closed: the Director's review was the final step."
        )
    checked = check_files(files, policy=ATTACHMENTS)
    with files_discarded_on_failure(), transaction.atomic():
        if by.is_staff:
            message = _tell(complaint, body, kind=Message.Kind.MESSAGE, by=by)
        else:
            message = Message.objects.create(complaint=complaint, author=by, body=body)
            _tell_investigator(complaint, message)
        message.files.add(*attach_files(complaint, checked, policy=ATTACHMENTS, by=by))
        audit.record(complaint, "message", by=by, summary=body[:120])
    return message


def add_emailed_message(
    complaint: Complaint, *, body: str, author: User | None, files=(), policy=ATTACHMENTS
) -> Message | None:
    """A letter that came by email from the complainant's side (an officer of the centre,
    or the address a learner or parent gave), with its files already checked: on the
    thread, and the investigator told. None when the complaint is closed to letters (the
    Director's review was the final step)."""
    body = _require(body, field="body", message="Write your message.")[:TEXT_MAX]
    if complaint.status == Status.CLOSED:
        return None
    message = Message.objects.create(complaint=complaint, author=author, body=body)
    message.files.add(*attach_files(complaint, files, policy=policy, by=author))
    audit.record(complaint, "message", by=author, summary=f"By email: {body[:100]}")
    _tell_investigator(complaint, message)
    return message


def _tell_investigator(complaint: Complaint, message: Message) -> None:
    """Staff hear of the complainant's letter at once: the senior manager investigating, or
    the Complaints Team while nobody is; the Directors too while a review is asked for."""
    to = [complaint.assigned_to] if complaint.assigned_to_id else [Role(CUSTOMER_SERVICES)]
    if complaint.status == Status.ESCALATED:
        to.append(Role(DIRECTOR))
    subject, body = _message_text(complaint, message, "message", team=True)
    notify(
        key=f"complaint:{complaint.pk}:message:{message.pk}",
        kind="message",
        to=to,
        subject=subject,
        body=body,
        reference=complaint.reference,
        url=complaint.get_absolute_url(),
    )


def analyse_complaint(
    complaint: Complaint,
    *,
    by: User,
    root_cause: str,
    improvement_action: str,
    at: dt.datetime | None = None,
) -> Complaint:
    """Record the root cause found and the improvement action taken."""
    authorize(complaint, "analyse", by=by)
    after = {"root_cause": root_cause, "improvement_action": improvement_action.strip()}
    current = Complaint.objects.filter(pk=complaint.pk).values(*after).get()
    if current == after:
        return complaint
    complaint, _ = transition(
        complaint,
        "analyse",
        by=by,
        at=at,
        action="analysed",
        summary="Root cause recorded",
        data={"root_cause": root_cause},
        update=lambda c: _set(c, **after),
    )
    return complaint


def record_restriction(
    *,
    by: User,
    criterion: str,
    action: str,
    details: str,
    email: str = "",
    user: User | None = None,
    complaint: Complaint | None = None,
    at: dt.datetime | None = None,
) -> ContactRestriction:
    """Record that a contact behaved unacceptably, and tell them what we decided."""
    if complaint is not None:
        authorize(complaint, "restrict", by=by)
    elif not by.has_perm("complaints.record_restriction"):
        raise PermissionDenied("Your role does not record restrictions.")
    details = _require(details, field="details", message="Describe what happened.")
    email = (email or (user.email if user else "")).strip().lower()
    if not email and user is None:
        raise PortalError("Name the contact: an email address or an account.", field="email")
    with transaction.atomic():
        restriction = ContactRestriction.objects.create(
            email=email,
            user=user,
            criterion=criterion,
            action=action,
            details=details,
            complaint=complaint,
            decided_by=by,
            decided_at=at or timezone.now(),
        )
        audit.record(
            restriction,
            "restricted",
            by=by,
            summary=restriction.get_criterion_display()[:300],
            data={"criterion": criterion, "action": action},
        )
        contact = user if user is not None and user.email.lower() == email else None
        subject, body = notice_text(restriction, "restricted")
        notify(
            key=f"restriction:{restriction.pk}",
            kind="restriction",
            to=[contact or Address(email)] if email else [],
            subject=subject,
            body=body,
            reference=complaint.reference if complaint is not None else "",
            url=complaint.get_absolute_url() if complaint is not None and contact else "",
        )
    return restriction


def lift_restriction(
    restriction: ContactRestriction, *, by: User, at: dt.datetime | None = None
) -> ContactRestriction:
    with transaction.atomic():
        updated = ContactRestriction.objects.filter(
            pk=restriction.pk, lifted_at__isnull=True
        ).update(lifted_at=at or timezone.now())
        if updated:
            audit.record(restriction, "lifted", by=by, summary="Restriction lifted")
    restriction.refresh_from_db()
    return restriction
