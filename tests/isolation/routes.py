"""Every route of the URL configuration, and how the matrix fills and classifies each one.

The routes come from walking ``get_resolver()`` (the router of ``/api/v1/`` included), so a
new app's routes are in the matrix from its first commit. What the walk cannot know is
written down here, and a route the matrix cannot place fails with a message saying which of
these to extend:

* ``FILL``: route name -> function building the path parameters from the world's centre A
  (``Side``), for every route with a path parameter. Case moves (views carrying
  ``case_move``) are filled without an entry, from a case whose status the move starts from.
* ``SHARED``: routes with a path parameter that name nothing of a centre's (a series, a
  password-reset link): every officer may open them.
* ``PUBLIC_PAGES`` / ``PUBLIC_API``: what anyone may open without signing in.
* ``STAFF_PAGES``: staff pages outside ``/admin/``; everything under ``/admin/`` is staff's.
* ``CAPABILITIES``: routes whose signed address is the permission (upload parts).
* ``BODIES``: a plausible body for a POST, by move or action name, so that a route that
  forgot to check who is asking would act on it.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.apps import apps
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.views import APIView

from centres.publications.models import PublicationOrder
from centres.registration.applications import CentreApplication
from centres.registration.programmes.models import ProgrammeRequest
from complaints.helpdesk.models import Query
from complaints.models import Complaint
from entries.arrangements.models import AccessArrangement, Appeal, SpecialConsideration
from portal.calendar import london_date
from portal.cases.models import Case
from qa.models import QaRequest
from results.enquiries.models import Enquiry
from results.postresults.models import CertificateDespatch, ServiceRequest
from tests.isolation.world import PDF


@dataclass(frozen=True)
class Route:
    name: str  # namespaced, e.g. "complaints:detail" or "complaint-messages"
    pattern: str  # the full pattern, for messages
    callback: object
    params: tuple[str, ...]
    namespace: str

    def __str__(self):
        return self.name or self.pattern

    @property
    def is_api(self) -> bool:
        cls = getattr(self.callback, "cls", None)
        return isinstance(cls, type) and issubclass(cls, APIView)

    @property
    def is_admin(self) -> bool:
        return self.pattern.startswith("admin/")

    @property
    def api_methods(self) -> list[str]:
        """The methods an API route answers (besides HEAD and OPTIONS)."""
        actions = getattr(self.callback, "actions", None)
        if actions:
            return sorted(actions)
        cls = self.callback.cls
        return [m for m in ("get", "post", "put", "patch", "delete") if hasattr(cls, m)]

    def action(self, method: str):
        """The viewset method serving ``method``, or the view function itself."""
        actions = getattr(self.callback, "actions", None)
        if actions and method in actions:
            return getattr(self.callback.cls, actions[method], None)
        return self.callback

    @property
    def case_move(self) -> str | None:
        """The name of the case move this route makes, if it makes one."""
        if self.is_api:
            return getattr(self.action("post"), "case_move", None)
        return getattr(self.callback, "case_move", None)

    def case_model(self):
        """The case type a move route works on: the viewset's ``model``, or for a page the
        one case type of the view's app (the package its module is in, whatever the URL
        namespace) whose table has the move."""
        if self.is_api:
            return self.callback.cls.model
        if getattr(self.callback, "case_model", None) is not None:
            return self.callback.case_model
        found = [
            model
            for model in apps.get_models()
            if issubclass(model, Case)
            and model._meta.app_label == self.callback.__module__.split(".")[0]
            and self.case_move in model.MOVES.names()
        ]
        if len(found) != 1:
            raise LookupError(
                f"{self}: {len(found)} case types of app {self.callback.__module__!r} have "
                f"the move "
                f"{self.case_move!r}; add an entry for {self.name!r} to FILL."
            )
        return found[0]


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry, namespace


def all_routes() -> list[Route]:
    """Every route once. DRF's ``.json`` twins of each route are left out: the same view
    answers them, with the same checks."""
    found = {}
    for pattern, entry, namespace in _walk(get_resolver().url_patterns):
        params = tuple(_params(pattern))
        if "format" in params:
            continue
        name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
        route = Route(
            name=name,
            pattern=pattern,
            callback=entry.callback,
            params=params,
            namespace=namespace,
        )
        found.setdefault((name, pattern), route)
    return list(found.values())


def _params(pattern: str) -> list[str]:
    names = []
    for converter, regex in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", pattern):
        names.append(converter or regex)
    return names


def path_of(route: Route, kwargs: dict) -> str:
    """The URL of ``route`` with ``kwargs`` (by resolving its own pattern, not its name:
    the admin has unnamed routes)."""
    url = route.pattern
    for name, value in kwargs.items():
        url = re.sub(rf"<(?:\w+:)?{name}>|\(\?P<{name}>[^)]*\)", str(value), url)
    url = url.replace("^", "").replace("$", "")
    leftover = _params(url)
    if leftover:
        raise KeyError(f"{route}: no value for {leftover}")
    return "/" + url


# --- What the walk cannot know -------------------------------------------------------------

FILL = {
    "complaints:detail": lambda a: {"reference": a.case(Complaint, "received").reference},
    "uploads:file": lambda a: {"public_id": a.attachment.public_id},
    "api-file": lambda a: {"public_id": a.attachment.public_id},
    # An API token is its person's own: another person's answers 404 like another centre's.
    "accounts:revoke_api_token": lambda a: {"public_id": a.token.public_id},
    "api-token-device-detail": lambda a: {"id": a.token.public_id},
    "complaint-detail": lambda a: {"reference": a.case(Complaint, "received").reference},
    "complaint-messages": lambda a: {"reference": a.case(Complaint, "received").reference},
    "complaint-attachments": lambda a: {"reference": a.case(Complaint, "received").reference},
    "learners:resend": lambda a: {"pk": a.learner_account.pk},
    "learners:withdraw": lambda a: {"pk": a.learner_account.pk},
    "learner-account-detail": lambda a: {"pk": a.learner_account.pk},
    "learner-account-resend": lambda a: {"pk": a.learner_account.pk},
    "notifications:read": lambda a: {"pk": a.notification.pk},
    "notification-detail": lambda a: {"pk": a.notification.pk},
    "notification-read": lambda a: {"pk": a.notification.pk},
    "centre-detail": lambda a: {"number": a.centre.number},
    # A centre application is its applicant's (the side's officer): another's answers 404.
    "join:detail": lambda a: {"reference": a.case(CentreApplication, "submitted").reference},
    "join:school": lambda a: {"reference": a.case(CentreApplication, "in_progress").reference},
    "join:area": lambda a: {
        "reference": a.case(CentreApplication, "in_progress").reference,
        "area": 1,
    },
    "centre-application-detail": lambda a: {
        "reference": a.case(CentreApplication, "submitted").reference
    },
    "arrangements:access:detail": lambda a: {"reference": a.case(AccessArrangement).reference},
    "arrangements:consideration:detail": lambda a: {
        "reference": a.case(SpecialConsideration).reference
    },
    "arrangements:appeal:detail": lambda a: {"reference": a.case(Appeal).reference},
    "access-arrangement-detail": lambda a: {"reference": a.case(AccessArrangement).reference},
    "special-consideration-detail": lambda a: {"reference": a.case(SpecialConsideration).reference},
    "appeal-detail": lambda a: {"reference": a.case(Appeal).reference},
    # Centre accounts: the centre's own page, its users and its invitations.
    "centres:detail": lambda a: {"number": a.centre.number},
    "centres:edit_details": lambda a: {"number": a.centre.number},
    "centres:invite": lambda a: {"number": a.centre.number},
    "centres:remove_user": lambda a: {"number": a.centre.number, "username": a.officer.username},
    "centres:withdraw_invitation": lambda a: {"number": a.centre.number, "pk": a.invitation.pk},
    "centre-users": lambda a: {"number": a.centre.number},
    "centre-user": lambda a: {"number": a.centre.number, "username": a.officer.username},
    "centre-invitations": lambda a: {"number": a.centre.number},
    "centre-invitation": lambda a: {"number": a.centre.number, "invitation_id": a.invitation.pk},
    # Requests to offer additional programmes.
    "programmes:detail": lambda a: {"reference": a.case(ProgrammeRequest, "received").reference},
    "programme-request-detail": lambda a: {
        "reference": a.case(ProgrammeRequest, "received").reference
    },
    "upload-detail": lambda a: {"id": a.upload.public_id},
    "upload-parts": lambda a: {"id": a.upload.public_id},
    "upload-complete": lambda a: {"id": a.upload.public_id},
    "uploads:part": lambda a: {"token": _part_token(a.upload)},
    "qa:detail": lambda a: {"reference": a.case(QaRequest, "requested").reference},
    "qa-request-detail": lambda a: {"reference": a.case(QaRequest, "requested").reference},
    "qa-request-uploads": lambda a: {"reference": a.case(QaRequest, "requested").reference},
    "queries:detail": lambda a: {"reference": a.case(Query, "received").reference},
    "query-detail": lambda a: {"reference": a.case(Query, "received").reference},
    "publications:detail": lambda a: {"reference": a.case(PublicationOrder, "ordered").reference},
    "publication-order-detail": lambda a: {
        "reference": a.case(PublicationOrder, "ordered").reference
    },
    "notifications:unsubscribe": lambda a: {"token": _unsubscribe_token(a.officer)},
    "enquiries:detail": lambda a: {"reference": a.case(Enquiry, "received").reference},
    "enquiry-detail": lambda a: {"reference": a.case(Enquiry, "received").reference},
    "postresults:detail": lambda a: {"reference": a.case(ServiceRequest, "received").reference},
    "service-request-detail": lambda a: {"reference": a.case(ServiceRequest, "received").reference},
    "postresults:certificates:detail": lambda a: {
        "reference": a.case(CertificateDespatch, "due").reference
    },
    "certificate-despatch-detail": lambda a: {
        "reference": a.case(CertificateDespatch, "due").reference
    },
    "result-detail": lambda a: {"pk": _result_of(a).pk},
    "results:statement": lambda a: {
        "code": _result_of(a).series.code,
        "centre": a.centre.number,
        "candidate_number": _result_of(a).candidate.candidate_number,
    },
    "entries:entry": lambda a: {"pk": a.entry.pk},
    "entries:entry_amend": lambda a: {"pk": a.entry.pk},
    "entries:entry_withdraw": lambda a: {"pk": a.entry.pk},
    "entries:import": lambda a: {"public_id": a.entry_import.public_id},
    "entries:submission": lambda a: {"reference": _submission(a).reference},
    "entry-detail": lambda a: {"pk": a.entry.pk},
    "entry-amend": lambda a: {"pk": a.entry.pk},
    "entry-withdraw": lambda a: {"pk": a.entry.pk},
    "candidate-detail": lambda a: {"pk": a.candidate.pk},
    "entry-submission-detail": lambda a: {"reference": _submission(a).reference},
}

# Routes whose address is itself the permission (a capability, like S3's presigned URLs):
# whoever holds it may use it, so "another centre's officer gets 404" does not apply. Each
# is tested where it is made (a part's URL: signed for one part of one upload, expiring,
# PUT only; tests/uploads/test_resumable.py).
CAPABILITIES = {"uploads:part", "notifications:unsubscribe"}


def _unsubscribe_token(officer) -> str:
    # Signed for one person and one kind of email, never expiring; its POST only stops that
    # kind (tests/notifications/test_unsubscribe.py).
    from portal.notifications.unsubscribe import unsubscribe_token

    return unsubscribe_token(officer.pk, "newsletter")


def _part_token(upload) -> str:
    from django.core import signing

    from portal.uploads.backends import PART_SALT

    return signing.dumps({"u": upload.public_id.hex, "n": 1}, salt=PART_SALT)


def _result_of(side):
    from results.models import Result

    return Result.objects.filter(centre=side.centre, status="issued").first()


def _submission(side):
    from entries.models import EntrySubmission

    return side.case(EntrySubmission, "submitted")


def _series(world) -> dict:
    return {"code": world.series.code}


SHARED = {
    "series-detail": lambda world: {"code": world.series.code},
    # The help centre's answers are everyone's.
    "help:answer": lambda world: {"pk": world.help_answer.pk},
    # A series' pages: every officer opens them, each seeing only their own centres' rows.
    **{
        f"entries:{name}": _series
        for name in (
            "series",
            "entry_new",
            "upload",
            "submit",
            "candidates",
            "candidate_new",
            "timetable",
            "despatches",
            "statement_csv",
            "statement_pdf",
        )
    },
    "quality-standard-detail": lambda world: _standard_code(),
    # The link in a password-reset email: anyone may open it; a bad token says so.
    "accounts:password_reset_confirm": lambda world: {"uidb64": "MQ", "token": "set-password"},
    # The link in an email confirming a new applicant's address: a bad token says so.
    "join:confirm": lambda world: {"uidb64": "MQ", "token": "confirm-email"},
    # The link of an invitation: whoever holds it opens it (the invitation is to officer B).
    "centres:invitation": lambda world: {"token": world.invitation_token},
    # A series' results page and CSV: every officer opens them and sees their own centres'.
    "results:series": lambda world: {"code": world.released.code},
    "results:csv": lambda world: {"code": world.released.code},
}


def _standard_code() -> dict:
    from tests.centres.registration.loading import ensure_standards_2026

    # A transactional test earlier in the run may have emptied what the migration loaded.
    ensure_standards_2026()
    return {"code": "MV1"}


PUBLIC_PAGES = {
    "accounts:login",
    "accounts:logout",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "complaints:public",
    "complaints:public_sent",
    "postresults:public",
    "postresults:public_sent",
    "join:interest",
    "join:sent",
    "join:confirm",
    "join:standards",
    "centres:invitation",
    "healthz",
    "readyz",
    "metrics",
    "sla:charter",
    "favicon",
    "robots",
    "uploads:part",
    "notifications:unsubscribe",
    "help:index",
    "help:suggest",
    "help:answer",
    # Choosing a language: anyone, signed in or not (a cookie, nothing of a centre's).
    "set_language",
}
PUBLIC_API = {"api-token", "api-schema", "api-docs"}

STAFF_PAGES = {"complaints:report", "complaints:report_csv", "qa:sample"}

BODIES = {
    "reply": {"body": "Please tell us what happens next."},
    "messages": {"body": "Please tell us what happens next."},
    "escalate": {"reasons": "The response did not look at the late papers."},
    "respond": {"response": "We are sorry.", "root_cause": "process"},
    "extend": {"due_at": "2030-01-10T12:00:00Z", "reason": "We are waiting for the courier."},
    "decide": {"decision": "Upheld."},
    "amend": {"option_code": "22"},
    "decline": {"reason": "Out of scope."},
    # A service request's despatch takes a note, the certificates' the courier and date.
    "despatch": lambda world: {
        "note": "Sent by tracked courier.",
        "courier": "DHL Express",
        "tracking_reference": "JD0146",
        "despatched_on": london_date(timezone.now()).isoformat(),
    },
    "hold": {"reason": "Please confirm your delivery address."},
    "analyse": {"root_cause": "process", "improvement_action": "Send papers earlier."},
    "restrict": {
        "criterion": "multiple_contacts",
        "action": "review_first",
        "details": "Forty emails in a day.",
    },
    "parts": {"numbers": [1]},
    "complete": {"parts": [{"number": 1, "etag": "0123456789abcdef"}]},
    "assign": lambda world: {"assigned_to": world.staff.username},
    "schedule-visit": lambda world: {
        "date": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        "mode": "remote",
    },
    "judge": {"judgements": [{"code": "MV1", "judgement": "met"}]},
    "request-improvements": {
        "judgements": [{"code": "MV2", "judgement": "improvement_needed", "improvement": "Do."}]
    },
    "approve": {"note": "Approved for all papers."},
    "grant": {"adjustment_percent": 3, "note": "For the fire alarm."},
    "appeal": {"grounds": "The report covers written papers."},
    "uphold": {"outcome": "The evidence is clear.", "adjustment_percent": 2},
    "dismiss": {"outcome": "The evidence is thin."},
    "invitations": {"email": "someone.new@example.org", "role": "exams_officer"},
    "submit": {},
    "uploads": {"filename": "rationale.pdf", "size": 1000, "kind": "rationale"},
    "accept": {"process_reasonable": "yes", "grades_reasonable": "yes", "grades_aligned": "yes"},
    "request-more": {"feedback": "Please reconsider your grades."},
    "adjust": {"grades": [{"candidate_number": "0101", "grade": "C"}]},
    "withhold": {"reason": "Under investigation."},
    "issue": {"grade": "B"},
    "mark_no_result": {"reason": "Absent from every component."},
    "change_grade": {"grade": "A", "reason": "Clerical error."},
    "outcome": {"grade": "A", "note": "Re-marked."},
    "answer": {"response": "Per entry."},
    "refer": {"role": "Results team"},
    "take-as-complaint": {"category": "service"},
    "decide-appeal": {"grade": "A", "note": "Upheld on review."},
    "load": lambda world: {
        "series": world.released.code,
        "file": SimpleUploadedFile("results.csv", b"centre,candidate_number,syllabus_code,grade\n"),
    },
    "attachments": lambda world: {
        "file": SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf")
    },
}


def body_for(route: Route, world, *, method: str = "post") -> dict:
    """The plausible body of a POST to ``route``: by move, else by the viewset's action."""
    name = route.case_move
    if name is None and route.is_api:
        action = route.action(method)
        name = getattr(action, "__name__", "")
    body = BODIES.get(name or "", {})
    body = body(world) if callable(body) else dict(body)
    if not route.is_api and route.case_move:
        # A move's page form carries the move's name as its prefix.
        body = {f"{route.case_move}-{key}": value for key, value in body.items()}
    return body


def fill(route: Route, world) -> dict:
    """The path parameters naming one of centre A's objects, or a failure saying what to add."""
    if route.name in FILL:
        return FILL[route.name](world.a)
    if route.case_move:
        model = route.case_model()
        moves = model.MOVES.named(route.case_move)
        cases = world.a.cases.get(model, {})
        for status, case in cases.items():
            if any(status in m.sources for m in moves):
                return {route.params[0]: getattr(case, _lookup_field(route))}
        raise LookupError(
            f"{route} ({route.pattern}): the world has no {model._meta.verbose_name} from "
            f"which {route.case_move!r} starts; add one to tests/isolation/world.py."
        )
    raise LookupError(
        f"{route} ({route.pattern}) names an object with {list(route.params)} and the matrix "
        f"does not know how to fill it: add {route.name or route.pattern!r} to FILL in "
        f"tests/isolation/routes.py (a function of centre A's objects answering "
        f"{{{', '.join(repr(p) + ': ...' for p in route.params)}}}), or to SHARED if every "
        f"officer may open it."
    )


def _lookup_field(route: Route) -> str:
    if route.is_api:
        return getattr(route.callback.cls, "lookup_field", "pk")
    return route.params[0]


def admin_fill(route: Route) -> dict:
    """Path parameters for a staff-area route: an existing row of its model where one can be
    told from the route's name, else a made-up id (staff areas refuse before any lookup)."""
    model = None
    for registered in admin.site._registry:
        prefix = f"admin:{registered._meta.app_label}_{registered._meta.model_name}_"
        if route.name.startswith(prefix):
            model = registered
    row = model._default_manager.order_by("pk").first() if model is not None else None
    value = row.pk if row is not None else 1
    return {param: value for param in route.params}


def officer_routes() -> list[Route]:
    """Routes outside the staff area."""
    return [r for r in all_routes() if not r.is_admin]
