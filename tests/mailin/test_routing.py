"""Where email goes (contract 1.2): a case named in the subject, a complaint or a query of
an officer's centre, a public complaint; who hears back, threaded to their message."""

import pytest
from django.core import mail

from complaints import services as complaints
from complaints.helpdesk import services as queries
from complaints.helpdesk.models import Query
from complaints.models import Category, Complaint, ContactRestriction, Criterion, Message
from portal.accounts.roles import CUSTOMER_SERVICES
from portal.mailin.models import InboundEmail
from portal.notifications.models import Email, Notification
from portal.notifications.sending import send_pending
from portal.uploads.models import Attachment
from tests.factories import MembershipFactory, StaffFactory
from tests.mailin.conftest import HTML, PDF, message, receive

pytestmark = pytest.mark.django_db

Status = InboundEmail.Status


@pytest.fixture
def desk(db):
    return StaffFactory(username="desk", roles=[CUSTOMER_SERVICES])


def reply_to(row) -> Email:
    return Email.objects.get(key=f"mailin:{row.pk}:reply")


def test_officer_email_opens_a_query_of_their_centre(officer_gb, centre_gb, desk):
    row = receive(message(subject="Late fees", body="Per entry or per candidate?"))

    query = Query.objects.get()
    assert (row.status, row.case_reference, row.sender_user) == (
        Status.OPENED,
        query.reference,
        officer_gb,
    )
    assert (query.centre, query.submitted_by, query.subject, query.body) == (
        centre_gb,
        officer_gb,
        "Late fees",
        "Per entry or per candidate?",
    )
    assert Notification.objects.filter(user=desk, reference=query.reference).exists()


def test_the_answer_carries_the_reference_threaded_to_the_senders_message(officer_gb):
    raw = message(
        message_id="<first@school.example>",
        headers={"References": "<earlier@school.example>"},
    )

    row = receive(raw)

    answer = reply_to(row)
    reference = Query.objects.get().reference
    assert (answer.address, answer.subject) == (officer_gb.email, f"Re: [{reference}] Late fees")
    assert answer.headers == {
        "Auto-Submitted": "auto-replied",
        "In-Reply-To": "<first@school.example>",
        "References": "<earlier@school.example> <first@school.example>",
    }
    assert reference in answer.body


def test_the_answer_goes_out_with_its_threading_headers(officer_gb, settings):
    settings.INBOUND_EMAIL_ADDRESSES = ["help@exams-portal.example"]
    row = receive(message(message_id="<first@school.example>"))
    mail.outbox.clear()

    send_pending()

    (sent,) = [m for m in mail.outbox if m.subject.startswith("Re:")]
    headers = sent.message()
    assert (headers["In-Reply-To"], headers["Reply-To"], headers["Auto-Submitted"]) == (
        "<first@school.example>",
        "help@exams-portal.example",
        "auto-replied",
    )
    assert row.pk


def test_complaint_in_the_subject_from_an_officer_opens_a_complaint(officer_gb, centre_gb):
    row = receive(message(subject="Complaint: papers arrived late", body="On the day."))

    complaint = Complaint.objects.get()
    assert (row.status, row.case_reference) == (Status.OPENED, complaint.reference)
    assert (complaint.centre, complaint.submitted_by, complaint.status, complaint.category) == (
        centre_gb,
        officer_gb,
        Complaint.Status.RECEIVED,
        Category.SERVICE,
    )
    assert complaint.reference.startswith("CMP-")
    assert Query.objects.count() == 0


def test_complaint_from_anyone_else_is_a_public_complaint(officer_gb):
    row = receive(message(sender="A Parent <parent@home.example>", subject="A complaint about you"))

    complaint = Complaint.objects.get()
    assert (complaint.centre, complaint.contact_email, complaint.contact_name) == (
        None,
        "parent@home.example",
        "A Parent",
    )
    assert (row.status, reply_to(row).address) == (Status.OPENED, "parent@home.example")


def test_anything_else_from_anyone_else_is_a_query_answered_at_their_address(
    officer_gb, desk, staff_user
):
    row = receive(message(sender="Sam <someone@else.example>", subject="A question"))

    query = Query.objects.get()
    assert (row.status, row.case_reference, Complaint.objects.count()) == (
        Status.OPENED,
        query.reference,
        0,
    )
    assert (query.centre, query.contact_email, query.contact_name) == (
        None,
        "someone@else.example",
        "Sam",
    )
    assert Notification.objects.filter(user=desk, reference=query.reference).exists()
    assert reply_to(row).address == "someone@else.example"

    queries.answer_query(query, by=staff_user, response="Per candidate.")

    answer = Email.objects.get(key=f"qry:{query.pk}:answered")
    assert (answer.address, answer.body) == ("someone@else.example", "Per candidate.")


def test_a_query_from_anyone_else_taken_as_a_complaint_is_theirs(db, staff_user):
    row = receive(message(sender="someone@else.example", subject="A question"))
    query = Query.objects.get(reference=row.case_reference)

    query = queries.take_as_complaint(query, by=staff_user, category=Category.SERVICE)

    assert (query.complaint.centre, query.complaint.contact_email) == (
        None,
        "someone@else.example",
    )


def test_their_reply_with_the_reference_joins_their_query(db, desk):
    first = receive(message(sender="someone@else.example", subject="A question"))

    again = receive(
        message(sender="someone@else.example", subject=f"Re: [{first.case_reference}] A question")
    )

    assert (again.status, again.case_reference, Query.objects.count()) == (
        Status.ADDED,
        first.case_reference,
        1,
    )


def test_a_reference_from_the_centres_officer_adds_to_the_complaint(officer_gb, centre_gb):
    complaint = complaints.submit_complaint(
        data={"category": Category.SERVICE, "subject": "Late", "description": "Papers."},
        centre=centre_gb,
        submitted_by=officer_gb,
    )

    row = receive(
        message(
            subject=f"Re: [{complaint.reference}] Late",
            body="More detail.",
            files=[("photo.pdf", PDF, "application", "pdf")],
        )
    )

    letter = Message.objects.get(complaint=complaint, body="More detail.")
    assert (row.status, row.case_reference, letter.author) == (
        Status.ADDED,
        complaint.reference,
        officer_gb,
    )
    assert [f.name for f in letter.files.all()] == ["photo.pdf"]
    assert (Complaint.objects.count(), Query.objects.count()) == (1, 0)


def test_a_reference_from_the_original_public_sender_adds_to_their_complaint(db):
    complaint = complaints.submit_complaint(
        data={
            "category": Category.SERVICE,
            "direct_service": "certifying_statement",
            "subject": "Statement",
            "description": "Not arrived.",
            "contact_name": "P",
            "contact_email": "Parent@Home.example",
        },
        submitter_type="parent",
    )

    row = receive(
        message(sender="parent@home.example", subject=f"[{complaint.reference}]", body="Still?")
    )

    assert row.status == Status.ADDED
    assert Message.objects.filter(complaint=complaint, body="Still?", author=None).exists()


def test_a_reference_to_a_query_adds_the_email_and_tells_the_team_that_has_it(
    officer_gb, centre_gb, desk
):
    query = queries.open_query(centre=centre_gb, by=officer_gb, subject="Fees", body="How much?")

    row = receive(
        message(
            subject=f"RE: [{query.reference}] Fees",
            body="Also for late entries?",
            files=[("fees.pdf", PDF, "application", "pdf")],
        )
    )

    assert (row.status, row.case_reference, row.body) == (
        Status.ADDED,
        query.reference,
        "Also for late entries?",
    )
    assert list(InboundEmail.objects.filter(case_id=query.pk, case_type__model="query")) == [row]
    assert [a.name for a in Attachment.objects.for_case(query)] == ["fees.pdf"]
    assert Notification.objects.filter(user=desk, key=f"mailin:{row.pk}:case").exists()
    assert Query.objects.count() == 1


def test_a_reference_from_another_centres_officer_is_not_added(
    officer_gb, centre_gb, officer_pk, centre_pk
):
    query = queries.open_query(centre=centre_gb, by=officer_gb, subject="Fees", body="How much?")

    row = receive(message(sender=officer_pk.email, subject=f"[{query.reference}] Fees"))

    opened = Query.objects.exclude(pk=query.pk).get()
    assert (row.status, row.case_reference, opened.centre) == (
        Status.OPENED,
        opened.reference,
        centre_pk,
    )


def test_attachments_are_checked_like_any_upload(officer_gb):
    row = receive(
        message(
            files=[
                ("letter.pdf", PDF, "application", "pdf"),
                ("evil.pdf", HTML, "application", "pdf"),
                ("run.exe", b"MZ" + b"\x00" * 200, "application", "octet-stream"),
            ]
        )
    )

    query = Query.objects.get()
    (kept,) = Attachment.objects.for_case(query)
    assert (kept.name, kept.scan) == ("letter.pdf", "not_scanned")
    outcomes = [entry["outcome"].split(":")[0] for entry in row.attachments]
    assert outcomes == ["Attached to the case", "Refused", "Refused"]
    assert "evil.pdf" in reply_to(row).body


def test_an_officer_of_several_centres_is_asked_which(officer_gb, centre_pk):
    MembershipFactory(user=officer_gb, centre=centre_pk)

    row = receive(message(subject="Complaint about papers"))

    assert (row.status, Complaint.objects.count(), Query.objects.count()) == (
        Status.ANSWERED,
        0,
        0,
    )
    body = reply_to(row).body
    assert "GB001, PK002" in body and "/complaints/new/" in body


def test_an_officer_of_several_centres_who_names_one_gets_its_case(officer_gb, centre_pk):
    MembershipFactory(user=officer_gb, centre=centre_pk)

    receive(message(subject="Complaint for PK002: papers"))

    assert Complaint.objects.get().centre == centre_pk


def test_a_forged_officer_address_is_answered_at_the_address_on_record(officer_gb):
    row = receive(
        message(
            sender="Officer One <OFFICER1@example.org>",
            headers={"Reply-To": "attacker@evil.example"},
        )
    )

    assert reply_to(row).address == officer_gb.email
    assert not Email.objects.filter(address="attacker@evil.example").exists()
    assert "Reply-To attacker@evil.example set aside" in row.reason


def test_a_restricted_contacts_complaint_is_held_as_on_the_web_form(desk):
    ContactRestriction.objects.create(
        email="angry@home.example",
        criterion=Criterion.MULTIPLE_CONTACTS,
        action=ContactRestriction.Action.REVIEW_FIRST,
        details="Forty emails a day.",
        decided_by=desk,
        decided_at="2026-01-01T00:00Z",
    )

    receive(message(sender="angry@home.example", subject="complaint"))

    assert Complaint.objects.get().status == Complaint.Status.HELD


def test_a_restricted_officers_query_is_held_and_released_by_staff(officer_gb, desk):
    from portal.mailin.services import process_message

    ContactRestriction.objects.create(
        user=officer_gb,
        criterion=Criterion.MULTIPLE_CONTACTS,
        action=ContactRestriction.Action.REVIEW_FIRST,
        details="Forty emails a day.",
        decided_by=desk,
        decided_at="2026-01-01T00:00Z",
    )

    row = receive(message())
    assert (row.status, Query.objects.count()) == (Status.HELD, 0)

    row = process_message(row, release=True)
    assert (row.status, Query.objects.count()) == (Status.OPENED, 1)


def test_a_burst_from_one_address_is_held_and_staff_told(officer_gb, desk, settings):
    settings.INBOUND_EMAIL_LIMIT_PER_HOUR = 3

    rows = [receive(message(subject=f"Question {n}")) for n in range(5)]

    assert [r.status for r in rows] == [Status.OPENED] * 3 + [Status.HELD] * 2
    assert Query.objects.count() == 3
    assert "held for review as multiple contacts" in rows[-1].reason
    assert Notification.objects.filter(user=desk, key__startswith="mailin:burst:").count() == 1
    assert not Email.objects.filter(key__in=[f"mailin:{r.pk}:reply" for r in rows[3:]]).exists()


def test_a_closed_complaint_keeps_the_email_without_adding_it(officer_gb, centre_gb):
    complaint = complaints.submit_complaint(
        data={"category": Category.SERVICE, "subject": "Late", "description": "Papers."},
        centre=centre_gb,
        submitted_by=officer_gb,
    )
    Complaint.objects.filter(pk=complaint.pk).update(status=Complaint.Status.CLOSED)
    letters = Message.objects.filter(complaint=complaint).count()

    row = receive(message(subject=f"[{complaint.reference}] again"))

    assert (row.status, row.case_reference) == (Status.HELD, complaint.reference)
    assert Message.objects.filter(complaint=complaint).count() == letters


def test_the_query_page_shows_the_email_and_its_file(client, officer_gb, centre_gb):
    from tests.signing_in import sign_in

    query = queries.open_query(centre=centre_gb, by=officer_gb, subject="Fees", body="How much?")
    receive(
        message(
            subject=f"[{query.reference}] Fees",
            body="See the <b>letter</b>.",
            files=[("fees.pdf", PDF, "application", "pdf")],
        )
    )

    page = sign_in(client, officer_gb).get(query.get_absolute_url())

    content = page.content.decode()
    assert page.status_code == 200
    assert "See the &lt;b&gt;letter&lt;/b&gt;." in content
    assert "fees.pdf" in content and "Attached to the case" in content


def test_an_officers_address_our_server_found_forged_is_held_unanswered(officer_gb, settings):
    settings.INBOUND_EMAIL_AUTHSERV_ID = "mx.portal.example"
    forged = {
        "Authentication-Results": "mx.portal.example; spf=fail smtp.mailfrom=example.org; "
        "dkim=none; dmarc=fail header.from=example.org"
    }

    row = receive(message(headers=forged))

    assert (row.status, Query.objects.count()) == (Status.HELD, 0)
    assert "DMARC failed" in row.reason
    assert not Email.objects.filter(key=f"mailin:{row.pk}:reply").exists()


def test_authentication_results_from_another_server_count_for_nothing(officer_gb, settings):
    settings.INBOUND_EMAIL_AUTHSERV_ID = "mx.portal.example"
    written_by_the_sender = {"Authentication-Results": "elsewhere.example; dmarc=fail"}

    row = receive(message(headers=written_by_the_sender))

    assert row.status == Status.OPENED


def test_a_copy_delivered_again_opens_nothing_more(officer_gb):
    raw = message(message_id="<once@school.example>")

    first, again = receive(raw), receive(raw)

    assert (first.status, again.status, Query.objects.count()) == (
        Status.OPENED,
        Status.IGNORED,
        1,
    )
    assert again.reason == f"A copy of email {first.pk}, already taken in."


def test_a_sender_that_cannot_be_answered_is_held_for_customer_services(db):
    row = receive(message(sender="someone@intranet", subject="complaint"))

    assert (row.status, Complaint.objects.count()) == (Status.HELD, 0)
    assert not Email.objects.filter(key=f"mailin:{row.pk}:reply").exists()


def test_a_query_by_email_with_no_centre_reads_in_the_api_and_the_queue(
    db, staff_api, staff_client
):
    row = receive(message(sender="someone@else.example", subject="A question"))

    answer = staff_api.get(f"/api/v1/queries/{row.case_reference}/")
    queue = staff_client.get("/admin/queries/query/")
    page = staff_client.get(f"/queries/{row.case_reference}/")

    assert (answer.status_code, answer.json()["centre"]) == (200, None)
    assert queue.status_code == 200 and row.case_reference in queue.content.decode()
    assert page.status_code == 200 and "someone@else.example" in page.content.decode()
