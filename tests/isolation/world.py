"""A world of two centres with everything an officer can name in a URL, built once per module.

Centre A (GB001) is the one whose objects the matrix puts into URLs; centre B (PK002) owns the
same kinds of objects, so that a list or a page that leaks shows one of them. A new case type
or a new kind of centre data adds its objects here for both centres: ``owned`` is what the
list checks look for, ``cases`` is what the case-move routes are filled from.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from centres import services as centre_accounts
from centres.registration.applications import CentreApplication
from centres.registration.programmes import services as programmes
from centres.registration.programmes.models import ProgrammeRequest
from complaints import services as complaints
from complaints.models import Category, Complaint, ContactRestriction, Criterion
from portal.accounts.roles import DIRECTOR, ROLES
from portal.accounts.services import issue_api_token
from portal.centres.programmes import Programme
from portal.notifications.models import Notification
from portal.uploads.services import start_upload
from qa import services as qa
from qa.models import QaRequest
from qa.policies import QA_EVIDENCE
from results.postresults.models import CertificateDespatch, ServiceRequest
from tests.centres.registration.applications import application_at
from tests.entries.arrangements.world import cases_at_every_status
from tests.factories import (
    CandidateFactory,
    CentreFactory,
    EntryFactory,
    GradeFactory,
    OfficerFactory,
    SeriesFactory,
    StaffFactory,
    SyllabusFactory,
    UserFactory,
)
from tests.results.postresults.world import despatches_at_every_status, requests_at_every_status

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@dataclass
class Side:
    """One centre and what belongs to it."""

    centre: object
    officer: object
    cases: dict = field(default_factory=dict)  # {model: {status: case}}
    attachment: object = None
    notification: object = None
    token: object = None
    invitation: object = None
    upload: object = None
    candidate: object = None
    entry: object = None
    entry_import: object = None
    learner_account: object = None
    owned: list = field(default_factory=list)

    def case(self, model, status: str | None = None):
        """A case of ``model`` at ``status`` (the first one made when no status is named)."""
        found = self.cases[model]
        return found[status] if status is not None else next(iter(found.values()))

    def markers(self) -> list[str]:
        """Strings only this centre's data contains: a page that shows one leaks it."""
        found = [self.centre.number, self.centre.name, self.notification.subject]
        for by_status in self.cases.values():
            found += [case.reference for case in by_status.values()]
        return found


@dataclass
class World:
    a: Side
    b: Side
    staff: object
    director: object
    series: object
    released: object = None  # a series whose results are out
    # A link of centre A's inviting centre B's officer: any officer may open such a page.
    invitation_token: str = ""
    # A published answer of the help centre: everyone's.
    help_answer: object = None


def _complaint_at_every_status(centre, officer, *, staff, director, series, tag: str) -> dict:
    """A complaint of ``centre`` at each status of its life cycle, through the services."""
    Status = Complaint.Status

    def submit(**extra):
        data = {
            "category": Category.SERVICE,
            "subject": f"Papers arrived late at {centre.name}",
            "description": f"The papers for 0580 arrived late ({tag}).",
            "syllabus_code": "0580",
            **extra.pop("data", {}),
        }
        return complaints.submit_complaint(
            data=data, centre=centre, submitted_by=extra.pop("by", officer), **extra
        )

    received = submit(files=[SimpleUploadedFile("letter.pdf", PDF, "application/pdf")])
    acknowledged = complaints.acknowledge_complaint(submit(), by=staff)
    investigating = complaints.claim_complaint(
        complaints.acknowledge_complaint(submit(), by=staff), by=staff
    )

    def answered_one():
        case = complaints.acknowledge_complaint(submit(), by=staff)
        return complaints.respond_to_complaint(case, by=staff, response="We are sorry.")

    answered = answered_one()
    escalated = complaints.escalate_complaint(answered_one(), by=officer, reasons="Not enough.")
    closed = complaints.decide_escalation(
        complaints.escalate_complaint(answered_one(), by=officer, reasons="Still not enough."),
        by=director,
        decision="Upheld in part.",
    )
    redirected = submit(data={"category": Category.RESULTS})
    recorded = submit(formal=False)

    restricted = OfficerFactory(username=f"restricted-{tag}", membership__centre=centre)
    ContactRestriction.objects.create(
        user=restricted,
        criterion=Criterion.MULTIPLE_CONTACTS,
        action="review_first",
        details="Forty emails in a day.",
        decided_by=staff,
        decided_at=timezone.now() - dt.timedelta(days=1),
    )
    held = submit(by=restricted)

    by_status = {
        Status.HELD: held,
        Status.RECEIVED: received,
        Status.ACKNOWLEDGED: acknowledged,
        Status.INVESTIGATING: investigating,
        Status.ANSWERED: answered,
        Status.ESCALATED: escalated,
        Status.CLOSED: closed,
        Status.REDIRECTED: redirected,
        Status.RECORDED: recorded,
    }
    missing = set(Status.values) - {str(s) for s in by_status}
    assert not missing, f"The world has no complaint at {sorted(missing)}: add one."
    assert all(case.status == status for status, case in by_status.items())
    return {str(status): case for status, case in by_status.items()}


def _application_at_every_status(officer, *, staff, tag: str) -> dict:
    """A centre application at each status. The officer is the applicant of all but the
    approved one (approving makes its applicant the officer of a new centre, which would
    give the side's officer a second centre)."""
    Status = CentreApplication.Status
    by_status = {}
    for status in Status:
        applicant = officer
        if status == Status.APPROVED:
            applicant = UserFactory(username=f"applicant-{tag}")
        by_status[str(status)] = application_at(
            status, applicant=applicant, staff=staff, school_name=f"School of {tag}"
        )
    assert all(case.status == status for status, case in by_status.items())
    return by_status


def _programme_requests_at_every_status(centre, officer, *, staff) -> dict:
    """A request to offer additional programmes of ``centre`` at each status."""
    Status = ProgrammeRequest.Status

    def ask(programme):
        return programmes.request_programmes(centre=centre, by=officer, programmes=[programme])

    by_status = {
        Status.GRANTED: programmes.grant_request(ask(Programme.UPPER_SECONDARY), by=staff),
        Status.DECLINED: programmes.decline_request(
            ask(Programme.PRIMARY), by=staff, reason="Not this year."
        ),
        Status.WITHDRAWN: programmes.withdraw_request(ask(Programme.LOWER_SECONDARY), by=officer),
        Status.RECEIVED: ask(Programme.ADVANCED),
    }
    assert set(Status.values) == {str(s) for s in by_status}, "Add a request at every status."
    return {str(status): case for status, case in by_status.items()}


def _qa_request_at_every_status(centre, officer, *, staff, series) -> tuple[dict, list]:
    """A QA evidence request of ``centre`` at each status (one syllabus each: a syllabus has
    one request under way at a time), and the grades behind them. Its candidates are
    numbered from 0101: the other case types' candidates of the series start at 0001."""
    Status = QaRequest.Status
    stages = {
        Status.REQUESTED: "0580",
        Status.SUBMITTED: "0610",
        Status.MORE_REQUESTED: "0620",
        Status.ACCEPTED: "0625",
        Status.ADJUSTED: "0500",
    }
    syllabuses = {code: SyllabusFactory(code=code) for code in stages.values()}
    grades = []
    for n in range(1, 4):
        candidate = CandidateFactory(
            centre=centre, series=series, candidate_number=f"{n + 100:04d}"
        )
        for syllabus in syllabuses.values():
            EntryFactory(candidate=candidate, syllabus=syllabus)
            grades.append(GradeFactory(candidate=candidate, syllabus=syllabus, grade="B"))
    by_status = {}
    for status, code in stages.items():
        request = qa.open_request(
            centre=centre, series=series, syllabus=syllabuses[code], candidates=["0101"], by=staff
        )
        if status != Status.REQUESTED:
            for kind, number in (("rationale", ""), ("evidence", "0101")):
                qa.add_evidence(
                    request,
                    files=[SimpleUploadedFile(f"{kind}.pdf", PDF, "application/pdf")],
                    kind=kind,
                    candidate_number=number,
                    by=officer,
                )
            request = qa.submit_evidence(request, by=officer)
        if status == Status.MORE_REQUESTED:
            request = qa.request_more(request, by=staff, feedback="Please reconsider.")
        elif status == Status.ACCEPTED:
            request = qa.accept_grades(request, by=staff)
        elif status == Status.ADJUSTED:
            request = qa.adjust_grades(
                request, by=staff, grades=[{"candidate_number": "0101", "grade": "C"}]
            )
        by_status[str(status)] = request
    missing = set(Status.values) - set(by_status)
    assert not missing, f"The world has no QA request at {sorted(missing)}: add one."
    assert all(case.status == status for status, case in by_status.items())
    return by_status, grades


def _side(*, number, name, country, zone, staff, director, series, released, tag) -> Side:
    centre = CentreFactory(number=number, name=name, country=country, timezone=zone)
    officer = OfficerFactory(username=f"officer-{tag}", membership__centre=centre)
    cases = _complaint_at_every_status(
        centre, officer, staff=staff, director=director, series=series, tag=tag
    )
    notification = Notification.objects.create(
        user=officer,
        kind="reminder",
        reference=cases["received"].reference,
        subject=f"Reminder for {name}",
        key=f"isolation:{tag}",
        created_at=timezone.now(),
    )
    applications = _application_at_every_status(officer, staff=staff, tag=tag)
    qa_requests, grades = _qa_request_at_every_status(centre, officer, staff=staff, series=series)
    attachment = cases["received"].files.get()
    token, _ = issue_api_token(officer, device_name=f"MIS of {name}", two_factor=False)
    others = cases_at_every_status(
        centre, officer, staff=staff, director=director, series=series, tag=tag
    )
    requests = _programme_requests_at_every_status(centre, officer, staff=staff)
    service_requests = requests_at_every_status(centre, officer, staff=staff, series=released)
    certificates = despatches_at_every_status(centre, staff=staff, series=released)
    invitation, _ = centre_accounts.invite_colleague(
        centre, by=officer, email=f"colleague-{tag}@example.org", role="exams_officer"
    )
    upload = start_upload(
        cases["received"], policy=QA_EVIDENCE, filename="evidence.pdf", size=1000, by=officer
    )
    entries = _entries_at_every_status(centre, officer, staff=staff, series=series, tag=tag)
    side = Side(
        token=token,
        centre=centre,
        officer=officer,
        cases={
            Complaint: cases,
            CentreApplication: applications,
            ProgrammeRequest: requests,
            QaRequest: qa_requests,
            ServiceRequest: service_requests,
            CertificateDespatch: certificates,
            **others,
            **entries["cases"],
        },
        attachment=attachment,
        notification=notification,
        invitation=invitation,
        upload=upload,
        candidate=entries["candidate"],
        entry=entries["entry"],
        entry_import=entries["import"],
    )
    side.owned = [
        centre,
        notification,
        attachment,
        token,
        upload,
        *cases.values(),
        *requests.values(),
        *qa_requests.values(),
        *service_requests.values(),
        *certificates.values(),
        *grades,
        *entries["owned"],
        *(case for by_status in entries["cases"].values() for case in by_status.values()),
        *(a for a in applications.values() if a.applicant_id == officer.pk),
    ]
    side.owned += [case for by_status in others.values() for case in by_status.values()]
    _add_results(side, series=released, tag=tag)
    _add_enquiries(side, series=released, staff=staff, tag=tag)
    _add_queries(side, staff=staff, tag=tag)
    _add_publication_orders(side, staff=staff, tag=tag)
    return side


def _add_results(side: Side, *, series, tag: str) -> None:
    """Results of the centre in a released series: one issued, one pending (the moves')."""
    from results.models import Result
    from tests.factories import CandidateFactory, EntryFactory, SyllabusFactory

    candidate = CandidateFactory(
        centre=side.centre, series=series, candidate_number="0201", surname=f"Result{tag}"
    )
    results = {}
    for status, code, grade in (("issued", "0580", "B"), ("pending", "0610", "")):
        entry = EntryFactory(candidate=candidate, syllabus=SyllabusFactory(code=code))
        results[status] = Result.objects.create(
            series=series,
            centre=side.centre,
            candidate=candidate,
            syllabus=entry.syllabus,
            status=status,
            grade=grade,
        )
    side.cases[Result] = results
    side.owned += list(results.values())
    # The candidate's own sign-in, given by the centre.
    from results.learners.services import give_access

    candidate.uci = f"{side.centre.number}2702019{tag[:1].upper()}"
    candidate.save(update_fields=["uci"])
    side.learner_account, _ = give_access(
        centre=side.centre,
        series=series,
        candidate_number="0201",
        email=f"learner-{tag}@example.org",
        by=side.officer,
    )
    side.owned.append(side.learner_account)


def _entries_at_every_status(centre, officer, *, staff, series, tag: str) -> dict:
    """A candidate with entries, a submission and a question-paper despatch at each status,
    an uploaded file and a timetable comment, through the services where there is one."""
    from entries import services as entries
    from entries.models import (
        EntryImport,
        EntrySubmission,
        Paper,
        PaperDespatch,
        TimetableComment,
    )
    from portal.cases.services import open_case
    from tests.factories import CandidateFactory, ComponentFactory, EntryFactory, SyllabusFactory

    maths = SyllabusFactory(code="0580", title="Mathematics")
    biology = SyllabusFactory(code="0610", title="Biology")
    candidate = CandidateFactory(
        centre=centre, series=series, candidate_number="0301", surname=f"Isolation-{tag}"
    )
    first = EntryFactory(candidate=candidate, syllabus=maths, option_code="42")
    submitted = entries.submit_entries(centre=centre, series=series, by=officer)
    second = EntryFactory(candidate=candidate, syllabus=biology, option_code="32")
    confirmed = entries.confirm_submission(
        entries.submit_entries(centre=centre, series=series, by=officer), by=staff
    )
    despatches = {}
    # Biology's papers: the world's special consideration is for maths, with no paper in
    # the series yet to wait for.
    for status, code in (("due", "31"), ("despatched", "33")):
        component = ComponentFactory(syllabus=biology, code=code, title=f"Paper {code}")
        paper, _ = Paper.objects.get_or_create(
            series=series,
            component=component,
            defaults={"date": dt.date(2027, 5, 10), "session": "am"},
        )
        despatch = open_case(PaperDespatch, centre=centre, series=series, paper=paper)
        if status == "despatched":
            despatch = entries.despatch_papers(despatch, by=staff)
        despatches[status] = despatch
    upload = EntryImport.objects.create(
        centre=centre,
        series=series,
        uploaded_by=officer,
        file_key=f"imports/{tag}.csv",
        file_name=f"entries-{tag}.csv",
        size=100,
        status=EntryImport.Status.REFUSED,
        errors=[{"line": 2, "message": "There is no syllabus '9999'."}],
    )
    comment = TimetableComment.objects.create(
        series=series, centre=centre, body=f"A clash at {centre.name}.", created_at=timezone.now()
    )
    return {
        "candidate": candidate,
        "entry": first,
        "import": upload,
        "cases": {
            EntrySubmission: {"submitted": submitted, "confirmed": confirmed},
            PaperDespatch: despatches,
        },
        "owned": [candidate, first, second, upload, comment],
    }


def _add_enquiries(side: Side, *, series, staff, tag: str) -> None:
    """Enquiries about the centre's results at every status, one result each."""
    from results.enquiries import services as enquiries
    from results.enquiries.demo import seed_terms
    from results.enquiries.models import Enquiry
    from results.models import Result
    from tests.factories import CandidateFactory, EntryFactory, SyllabusFactory

    seed_terms(series)
    candidate = CandidateFactory(
        centre=side.centre, series=series, candidate_number="0202", surname=f"Enquiry{tag}"
    )

    def enquiry(code):
        entry = EntryFactory(candidate=candidate, syllabus=SyllabusFactory(code=code))
        Result.objects.create(
            series=series, centre=side.centre, candidate=candidate, syllabus=entry.syllabus,
            status="issued", grade="B",
        )  # fmt: skip
        return enquiries.submit_enquiry(
            centre=side.centre, series=series, candidate_number="0202",
            syllabus=entry.syllabus, service="review_of_marking", by=side.officer,
        )  # fmt: skip

    def outcome(code, grade):
        return enquiries.send_outcome(enquiry(code), by=staff, grade=grade)

    def appealed(code):
        return enquiries.appeal_outcome(outcome(code, "B"), by=side.officer, grounds="Wrong.")

    cases = [
        enquiry("0500"),
        enquiries.acknowledge_enquiry(enquiry("0510"), by=staff),
        outcome("0520", "B"),
        outcome("0530", "A"),
        appealed("0540"),
        enquiries.decide_appeal(appealed("0550"), by=staff, grade="B", note="Confirmed."),
    ]
    by_status = {case.status: Enquiry.objects.get(pk=case.pk) for case in cases}
    assert set(by_status) == set(Enquiry.Status.values), "The world lacks an enquiry status."
    side.cases[Enquiry] = by_status
    side.owned += list(by_status.values())


def _add_queries(side: Side, *, staff, tag: str) -> None:
    """Queries of the centre at every status."""
    from complaints.helpdesk import services as helpdesk
    from complaints.helpdesk.models import Query
    from portal.accounts.roles import RESULTS_TEAM

    def ask(n):
        return helpdesk.open_query(
            centre=side.centre, by=side.officer, subject=f"Query {tag}{n}", body="When?"
        )

    cases = [
        ask(1),
        helpdesk.refer_query(ask(2), by=staff, role=RESULTS_TEAM),
        helpdesk.answer_query(ask(3), by=staff, response="Then."),
        helpdesk.take_as_complaint(ask(4), by=staff, category="service"),
    ]
    by_status = {case.status: Query.objects.get(pk=case.pk) for case in cases}
    assert set(by_status) == set(Query.Status.values), "The world lacks a query status."
    side.cases[Query] = by_status
    side.owned += list(by_status.values())


def _add_publication_orders(side: Side, *, staff, tag: str) -> None:
    """Publication orders of the centre at every status."""
    from centres.publications import services as publications
    from centres.publications.models import Publication, PublicationOrder

    item, _ = Publication.objects.get_or_create(code="HB-ISOLATION", defaults={"title": "Handbook"})

    def order():
        return publications.order_publication(centre=side.centre, by=side.officer, publication=item)

    cases = [order(), publications.despatch_order(order(), by=staff)]
    by_status = {case.status: PublicationOrder.objects.get(pk=case.pk) for case in cases}
    assert set(by_status) == set(PublicationOrder.Status.values), "An order status is missing."
    side.cases[PublicationOrder] = by_status
    side.owned += list(by_status.values())


def build_world() -> World:
    staff = StaffFactory(username="staff-isolation", roles=[r for r in ROLES if r != DIRECTOR])
    director = StaffFactory(username="director-isolation", roles=[DIRECTOR])
    series = SeriesFactory(code="M27", name="March 2027")
    # Results need a series already released, so that officers see them in every list and
    # page; the other case types need one still to come (special consideration closes at
    # the release).
    released = SeriesFactory(
        code="R26", name="Results 2026", results_release_at=timezone.now() - dt.timedelta(days=1)
    )
    common = {"staff": staff, "director": director, "series": series, "released": released}
    world = World(
        a=_side(
            number="GB001",
            name="Riverside Academy",
            country="GB",
            zone="Europe/London",
            tag="a",
            **common,
        ),
        b=_side(
            number="PK002",
            name="Lahore Grammar",
            country="PK",
            zone="Asia/Karachi",
            tag="b",
            **common,
        ),
        staff=staff,
        director=director,
        series=series,
        released=released,
    )
    _, world.invitation_token = centre_accounts.invite_colleague(
        world.a.centre, by=world.a.officer, email=world.b.officer.email, role="exams_officer"
    )
    from complaints.helpdesk.models import HelpAnswer, Topic

    world.help_answer = HelpAnswer.objects.create(
        topic=Topic.PORTAL, question="How do we sign in?", answer="With a code.", published=True
    )
    return world
