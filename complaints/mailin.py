"""What complaints and queries make of email (``portal.mailin``).

* A message on a case of theirs: a complaint's is a letter on its thread; a query's is the
  kit's message by email, told to the team that has the query.
* A message naming no case, from an exams officer's address on record: "complaint" in the
  subject opens a complaint of the officer's centre; anything else a query. An officer of
  several centres is asked which (with links to the forms), unless the subject or text
  names exactly one of their centres' numbers.
* From anyone else: "complaint" in the subject is a public complaint, as the web form makes
  it (a learner's, about a service, routed by the same table); anything else a query with no
  centre, in customer services' queue, answered at the address it came from.
* A restricted contact is held for review: a complaint is opened held, as on the web form;
  anything else waits in Emails in.
"""

import re

from django.conf import settings
from django.urls import reverse

from complaints import services as complaints
from complaints.attachments import ATTACHMENTS
from complaints.helpdesk import services as queries
from complaints.helpdesk.models import Query
from complaints.models import TEXT_MAX, Category, Complaint, ContactRestriction, Submitter
from portal.accounts.roles import CUSTOMER_SERVICES
from portal.errors import PortalError
from portal.mailin import routing
from portal.mailin.models import InboundEmail
from portal.mailin.routing import Letter, Outcome
from portal.mailin.services import (
    add_to_case,
    address_or_none,
    check_letter_files,
    refused_files_note,
    reply_recipient,
)
from portal.notifications import Role
from portal.permissions import centres_visible_to

Status = InboundEmail.Status
COMPLAINT_WORD = re.compile(r"\bcomplaints?\b", re.IGNORECASE)
CENTRE_NUMBER = re.compile(r"\b([A-Z]{2}\d{3,5})\b")
SUBJECT_MAX = 200


def register() -> None:
    routing.register_case_handler(Complaint, complaint_letter)
    routing.register_case_handler(Query, query_letter)
    routing.register_intake(take_in)
    routing.register_hold_check(restricted)


def restricted(address: str, user) -> str:
    restriction = ContactRestriction.objects.restricting(email=address, user=user).first()
    if restriction is None:
        return ""
    return f"Restricted contact ({restriction.get_action_display().lower()}): held for review."


def _subject(letter: Letter, fallback: str) -> str:
    subject = routing.REFERENCE.sub("", letter.read.subject).strip() or fallback
    return subject[:SUBJECT_MAX]


def _text(letter: Letter) -> str:
    text = letter.text()
    if len(text) > TEXT_MAX:
        cut = "\n\n(The rest of the email is kept with it in Emails in.)"
        text = text[: TEXT_MAX - len(cut)] + cut
    return text


def _link(name: str) -> str:
    return f"{settings.PORTAL_BASE_URL}{reverse(name)}"


# On a case ------------------------------------------------------------------------------


def complaint_letter(complaint: Complaint, letter: Letter) -> Outcome:
    author = letter.officer or (
        complaint.submitted_by
        if complaint.submitted_by and complaint.submitted_by.email.lower() == letter.sender
        else None
    )
    checked, refused = check_letter_files(letter, policy=ATTACHMENTS)
    message = complaints.add_emailed_message(
        complaint, body=_text(letter), author=author, files=checked
    )
    if message is None:
        return Outcome(
            Status.HELD,
            f"{complaint.reference} is closed to letters: kept here for staff.",
            case=complaint,
            reply=f"{complaint.reference} is closed: the Director's review was the final step "
            "of our complaints procedure, so your email was not added to it. It is kept, and "
            "a member of staff will read it.",
            reply_to=reply_recipient(letter),
        )
    return Outcome(
        Status.ADDED,
        f"Added to {complaint.reference} as a letter on its thread.",
        case=complaint,
        reply=f"Thank you: your email has been added to {complaint.reference}, and the person "
        f"dealing with it has been told. Keep [{complaint.reference}] in the subject of any "
        "email about it." + refused_files_note(refused),
        reply_to=reply_recipient(letter),
    )


def query_letter(query: Query, letter: Letter) -> Outcome:
    team = query.referred_to or CUSTOMER_SERVICES
    return add_to_case(query, letter, policy=ATTACHMENTS, to=[Role(team)])


# A new case -----------------------------------------------------------------------------


def take_in(letter: Letter) -> Outcome:
    wants_complaint = bool(COMPLAINT_WORD.search(letter.read.subject))
    if not letter.officers:
        if wants_complaint:
            return _public_complaint(letter)
        return _emailed_query(letter)
    officer = letter.officer
    centres = list(centres_visible_to(officer)) if officer is not None else []
    centre = _which_centre(centres, letter)
    if centre is None:
        return _ask_which_centre(letter, complaint=wants_complaint)
    if wants_complaint:
        return _complaint(letter, officer=officer, centre=centre)
    if not letter.released and restricted(letter.sender, officer):
        return Outcome(Status.HELD, restricted(letter.sender, officer))
    return _query(letter, officer=officer, centre=centre)


def _which_centre(centres: list, letter: Letter):
    if len(centres) == 1:
        return centres[0]
    named = set(CENTRE_NUMBER.findall(f"{letter.read.subject}\n{letter.read.text[:2000]}"))
    matching = [c for c in centres if c.number in named]
    return matching[0] if len(matching) == 1 else None


def _ask_which_centre(letter: Letter, *, complaint: bool) -> Outcome:
    """An officer of several centres who did not say which: asked, with the forms' links;
    no case is opened (the portal will not guess whose case it is)."""
    numbers = ", ".join(sorted({c.number for o in letter.officers for c in centres_visible_to(o)}))
    form = _link("complaints:create") if complaint else _link("queries:create")
    what = "complaint" if complaint else "query"
    return Outcome(
        Status.ANSWERED,
        f"Sent by an officer of several centres ({numbers}) without saying which: asked.",
        reply=f"Thank you for your email. You are an exams officer of more than one centre "
        f"({numbers}), and your email does not say which one this {what} is for. Please "
        f"write again with the centre number in the subject (for example “{what} "
        f"{numbers.split(', ')[0]}”), or use the form, where you choose the centre:\n\n"
        f"{form}\n\nQueries: {_link('queries:create')}\n"
        f"Complaints: {_link('complaints:create')}",
        reply_to=reply_recipient(letter),
    )


def _complaint(letter: Letter, *, officer, centre) -> Outcome:
    checked, refused = check_letter_files(letter, policy=ATTACHMENTS)
    complaint = complaints.submit_complaint(
        data={
            "category": Category.SERVICE,
            "subject": _subject(letter, "Complaint by email"),
            "description": _text(letter),
        },
        centre=centre,
        submitted_by=officer,
        submitter_type=Submitter.CENTRE,
        files=checked,
        formal=True,
    )
    return _opened(letter, complaint, refused)


def _public_complaint(letter: Letter) -> Outcome:
    """As the public form makes one: a learner's, about a service, routed by the same
    table (a service not given to them directly goes to their school's procedure) and held
    when the address is restricted. An address no answer can reach (the form would refuse
    it) waits for customer services instead."""
    if address_or_none(letter.sender) is None:
        return Outcome(
            Status.HELD,
            "A complaint from an address no answer can reach: held for customer services.",
        )
    checked, refused = check_letter_files(letter, policy=ATTACHMENTS)
    complaint = complaints.submit_complaint(
        data={
            "category": Category.SERVICE,
            "subject": _subject(letter, "Complaint by email"),
            "description": _text(letter),
            "contact_name": letter.read.sender_name or letter.sender,
            "contact_email": letter.sender,
        },
        submitter_type=Submitter.LEARNER,
        files=checked,
    )
    return _opened(letter, complaint, refused)


def _query(letter: Letter, *, officer, centre) -> Outcome:
    checked, refused = check_letter_files(letter, policy=ATTACHMENTS)
    try:
        query = queries.open_query(
            centre=centre,
            by=officer,
            subject=_subject(letter, "Query by email"),
            body=_text(letter),
        )
    except PortalError as error:
        return Outcome(Status.HELD, f"Not opened as a query: {error}")
    from portal.uploads.services import attach_files

    attach_files(query, checked, policy=ATTACHMENTS, by=officer)
    return _opened(letter, query, refused)


def _opened(letter: Letter, case, refused: list[str]) -> Outcome:
    noun = case._meta.verbose_name
    if isinstance(case, Complaint):
        told = complaints._receipt(case)
    else:
        told = f"We have received your {noun} and will answer it."
    return Outcome(
        Status.OPENED,
        f"Opened {noun} {case.reference}.",
        case=case,
        reply=f"{told}\n\nYour reference is {case.reference}: keep [{case.reference}] in the "
        "subject of any email about it, and your email joins the case."
        + refused_files_note(refused),
        reply_to=reply_recipient(letter),
    )


def _emailed_query(letter: Letter) -> Outcome:
    """From an address that is no officer's, not a complaint: a query with no centre, in
    customer services' queue, answered at that address. One no answer can reach waits for
    customer services instead."""
    if address_or_none(letter.sender) is None:
        return Outcome(
            Status.HELD,
            "A query from an address no answer can reach: held for customer services.",
        )
    checked, refused = check_letter_files(letter, policy=ATTACHMENTS)
    try:
        query = queries.open_emailed_query(
            contact_email=letter.sender,
            contact_name=letter.read.sender_name,
            subject=_subject(letter, "Query by email"),
            body=_text(letter),
        )
    except PortalError as error:
        return Outcome(Status.HELD, f"Not opened as a query: {error}")
    from portal.uploads.services import attach_files

    attach_files(query, checked, policy=ATTACHMENTS)
    outcome = _opened(letter, query, refused)
    outcome.reply += (
        "\n\nIf you are an exams officer, write from the address registered with your portal "
        "account: your queries then belong to your centre and you can follow them there."
    )
    return outcome
