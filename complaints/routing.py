"""Where a submission goes, as the complaints procedure prescribes.

Some matters cannot be dealt with as a complaint: they have a process of their own. The same
table explains the routes on the form, before anyone submits, and decides the route after,
so what a person is told and what the portal does never drift apart. A redirected
submission is still kept, as an expression of dissatisfaction.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy

from complaints.models import ACKNOWLEDGE, RESPOND, Category, Route, Submitter
from portal.sla import services as sla

MALPRACTICE_GUIDANCE = (
    "Where you have evidence that someone has committed malpractice, report it as suspected "
    "malpractice: that is the one matter about a school we look into ourselves."
)


def service_guidance() -> str:
    return (
        "Taken on as a complaint: acknowledged "
        f"{sla.promise(ACKNOWLEDGE)}, investigated by a senior manager and "
        f"answered {sla.promise(RESPOND)} after acknowledgement."
    )


# What each category leads to, in the words the person reads before submitting.
GUIDANCE = {
    # The times come from the active charter, read when the text is shown.
    Category.SERVICE: lazy(lambda: service_guidance(), str)(),
    Category.RESULTS: "Concerns about results are considered only as an enquiry about results, "
    "submitted by the school through the formal process and within its deadlines.",
    Category.QUESTION_PAPER: "During the live exam series we cannot answer complaints about a "
    "question paper, as marking and grading are not finished: your comments go to the "
    "Assessment Manager as exam-day comments (Form 8). After results you may raise them again "
    "as a formal complaint.",
    Category.SCHOOL: "We are not involved in the day-to-day running of schools: teaching, "
    "facilities and the administration of exams at a school go to the school's own complaints "
    "procedure. " + MALPRACTICE_GUIDANCE,
    Category.ENQUIRY_OUTCOME: "The outcome of an enquiry about results can be taken further only "
    "through the appeals process in the Cambridge Handbook.",
    Category.ACCESS_ARRANGEMENTS: "The outcome of an access arrangements application can be "
    "taken further only through an appeal under the Cambridge Handbook's regulations.",
    Category.SPECIAL_CONSIDERATION: "The outcome of a special consideration application can be "
    "taken further only through an appeal under the Cambridge Handbook's regulations.",
    Category.MALPRACTICE_OUTCOME: "The outcome of a malpractice investigation can be taken "
    "further only through an appeal under the Cambridge Handbook's regulations.",
}

LEARNER_SERVICE_GUIDANCE = (
    "From learners and parents we take complaints about a service we gave you directly: a "
    "certifying statement, a verification or a results service. Any other service reaches you "
    "through your school, college or learning provider: raise it with them, and they can "
    "contact us for you."
)
LEARNER_RESULTS_GUIDANCE = (
    "Your teacher or exams officer can explain the options and contact us for you: concerns "
    "about results are considered only as an enquiry about results that the school submits."
)

APPEAL_CATEGORIES = {
    Category.ENQUIRY_OUTCOME,
    Category.ACCESS_ARRANGEMENTS,
    Category.SPECIAL_CONSIDERATION,
    Category.MALPRACTICE_OUTCOME,
}
LEARNER_TYPES = {Submitter.LEARNER, Submitter.PARENT}
# What learners and parents may choose on the public form.
PUBLIC_CATEGORIES = [Category.SERVICE, Category.RESULTS, Category.SCHOOL]


@dataclass(frozen=True)
class Routing:
    route: str
    reason: str

    @property
    def is_complaint(self) -> bool:
        return self.route == Route.COMPLAINT


def series_is_live(series, *, at: dt.datetime) -> bool:
    """A series is live until its results are released."""
    return at < series.results_release_at


def route_submission(
    *,
    category: str,
    submitter_type: str = Submitter.CENTRE,
    direct_service: str = "",
    alleges_malpractice: bool = False,
    series=None,
    formal: bool = True,
    at: dt.datetime | None = None,
) -> Routing:
    """The route of a submission and the reason given to the person who made it."""
    at = at or timezone.now()
    learner = submitter_type in LEARNER_TYPES
    if category == Category.RESULTS:
        reason = LEARNER_RESULTS_GUIDANCE if learner else GUIDANCE[category]
        return Routing(Route.ENQUIRY_ABOUT_RESULTS, reason)
    if category == Category.SCHOOL:
        if alleges_malpractice:
            return Routing(Route.MALPRACTICE_REPORT, MALPRACTICE_GUIDANCE)
        return Routing(Route.SCHOOL_PROCEDURE, GUIDANCE[category])
    if category in APPEAL_CATEGORIES:
        return Routing(Route.APPEAL, GUIDANCE[category])
    if category == Category.SERVICE and learner and not direct_service:
        return Routing(Route.SCHOOL_PROCEDURE, LEARNER_SERVICE_GUIDANCE)
    if category == Category.QUESTION_PAPER and series is not None and series_is_live(series, at=at):
        released = date_format(timezone.localtime(series.results_release_at), "j F Y")
        return Routing(
            Route.EXAM_DAY_COMMENTS,
            f"{GUIDANCE[category]} Results of {series.name} are released on {released}.",
        )
    if not formal:
        return Routing(
            Route.RECORDED,
            "Recorded as a concern without a formal complaint: we analyse and review every "
            "one to improve our services.",
        )
    return Routing(Route.COMPLAINT, service_guidance())
