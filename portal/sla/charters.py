"""The charters the portal ships with, as data: every row of SERVICE_LEVELS.md.

``load_charter`` (the command and the data migration) writes these rows into
``ServiceLevel``; from then on staff own them in the admin. Another awarding body runs the
portal by adding its own preset here, not by changing code.

Reminders are hours before the due instant; a reminder goes out at the next office hour of
whoever receives it, so ``[24]`` on a working-day rule reaches people on the morning of the
day it is due.
"""

from portal.accounts.roles import (
    ASSESSMENT_SPECIALIST,
    COMPLAINTS_INVESTIGATOR,
    CUSTOMER_SERVICES,
    DIRECTOR,
    ENTRIES_TEAM,
    REGISTRATION_TEAM,
    RESULTS_TEAM,
)
from portal.calendar import Unit

CENTRE = "centre"
CAMBRIDGE_COMMITMENT = "000 Cambridge customer commitment (seeds/000_d9c043de6cda268f.txt)"
COMPLAINTS_PROCEDURE = "001 Cambridge complaints procedure (seeds/001_c671ecb1587f150a.txt)"
QA_PROCESS = "004 Cambridge quality assurance process (seeds/004_133a368148f1447c.txt)"
CMI_CHARTER = "003 CMI customer charter (seeds/003_f04f76aaf14307b0.txt)"

WD, DAYS, WEEKS, MONTHS = Unit.WORKING_DAYS, Unit.DAYS, Unit.WEEKS, Unit.MONTHS


def rule(code, name, case, starts, stops, limit, *, by, tell=(), remind=(24,), source, text=""):
    value, unit = limit if limit else (None, "")
    return {
        "code": code,
        "name": name,
        "case": case,
        "clock_starts": starts,
        "clock_stops": stops,
        "limit_value": value,
        "limit_unit": unit,
        "limit_text": text,
        "responsible": by,
        "reminders": list(remind),
        "breach_roles": sorted({by, *tell} - {CENTRE}),
        "source": source,
    }


C, P, Q = CAMBRIDGE_COMMITMENT, COMPLAINTS_PROCEDURE, QA_PROCESS
# The seed's own example date (a series of 2021) is history, not a promise: each series has
# its date, set by staff and given with every request.
QA_REVIEW_TEXT = "by a date set for each series, given with every request"

CAMBRIDGE = [
    rule("entries.confirm", "Confirm entries", "entries submission", "entries submitted",
         "entries confirmed", (2, WD), by=ENTRIES_TEAM, source=C),
    rule("papers.despatch", "Deliver question papers", "question papers",
         "entries received by the deadline", "papers delivered", None, by=ENTRIES_TEAM,
         remind=(168, 48), source=C, text="at least 10 days before the timetabled exam"),
    rule("timetable.provisional", "Send the provisional June timetable", "exam series", "",
         "provisional June timetable sent for comment", None, by=ENTRIES_TEAM,
         remind=(168,), source=C, text="in April"),
    rule("aa.acknowledge", "Acknowledge an access arrangements application",
         "access arrangements application", "received", "acknowledged", (2, WD),
         by=ASSESSMENT_SPECIALIST, source=C),
    rule("sc.process", "Decide a special consideration application",
         "special consideration application", "received", "decided", (2, WD),
         by=ASSESSMENT_SPECIALIST, source=C),
    rule("appeal.outcome", "Send the outcome of an appeal",
         "appeal against an access-arrangement or special-consideration outcome",
         "appeal received", "outcome sent", (28, DAYS), by=ASSESSMENT_SPECIALIST,
         tell=[DIRECTOR], remind=(168, 24), source=C),
    rule("results.notice", "Announce the results release date", "results release date",
         "date announced", "", None, by=RESULTS_TEAM, remind=(720,), source=C,
         text="announced at least 6 months before release"),
    rule("results.paper_copies", "Despatch paper copies of results", "paper copies of results",
         "results published online", "despatched", (10, DAYS), by=RESULTS_TEAM,
         remind=(72, 24), source=C),
    rule("certificates.despatch", "Despatch certificates", "certificates", "results published",
         "despatched", (2, MONTHS), by=RESULTS_TEAM, remind=(336, 72), source=C),
    rule("certificates.replacement", "Despatch a replacement certificate",
         "replacement certificate application", "received", "despatched", (20, WD),
         by=RESULTS_TEAM, remind=(120, 24), source=C),
    rule("ear.acknowledge", "Confirm receipt of an enquiry about results",
         "enquiry about results", "received", "receipt confirmed", (1, WEEKS),
         by=RESULTS_TEAM, remind=(48,), source=C),
    rule("ear.outcome", "Send the outcome of an enquiry about results",
         "enquiry about results", "received", "outcome sent", (30, DAYS), by=RESULTS_TEAM,
         remind=(168, 24), source=C),
    rule("certifying_statement.despatch", "Despatch a certifying statement",
         "certifying statement", "correctly completed application received", "despatched",
         (4, WEEKS), by=RESULTS_TEAM, remind=(168, 24), source=C),
    rule("complaint.acknowledge", "Acknowledge a complaint", "complaint", "received",
         "acknowledged", (2, WD), by=CUSTOMER_SERVICES, tell=[COMPLAINTS_INVESTIGATOR],
         source=P),
    rule("complaint.respond", "Respond to a complaint", "complaint", "acknowledged",
         "response sent", (10, WD), by=COMPLAINTS_INVESTIGATOR, tell=[DIRECTOR],
         remind=(72, 24), source=f"{C}; {P}",
         text="10 working days (may be extended for complex cases, with a progress update "
         "to the complainant)"),
    rule("query.answer", "Answer an email or web query", "email or web query", "received",
         "answered", (2, WD), by=CUSTOMER_SERVICES, source=C),
    rule("programmes.respond", "Answer a request to offer additional programmes",
         "request to offer additional programmes", "received", "answered", (3, WD),
         by=REGISTRATION_TEAM, source=C),
    rule("approval.visit", "Visit a centre applying for approval", "centre application",
         "interest registered", "approval visit done", (3, MONTHS), by=REGISTRATION_TEAM,
         remind=(336, 72), source=C, text="3 months (usual)"),
    rule("qa.evidence", "Upload QA evidence", "QA evidence request", "request sent",
         "evidence submitted", (5, DAYS), by=CENTRE, tell=[ASSESSMENT_SPECIALIST],
         remind=(48, 24), source=Q),
    rule("qa.review", "Send the outcome of a QA review", "QA submission", "evidence submitted",
         "outcome sent", None, by=ASSESSMENT_SPECIALIST, remind=(168, 24), source=Q,
         text=QA_REVIEW_TEXT),
    rule("newsletter.monthly", "Send the monthly newsletter", "newsletter", "", "sent", None,
         by=CUSTOMER_SERVICES, source=C, text="first working day of each month"),
    rule("publications.order", "Despatch publications in stock", "order of publications in stock",
         "ordered", "despatched", (5, WD), by=CUSTOMER_SERVICES, remind=(48, 24), source=C),
]  # fmt: skip

M = CMI_CHARTER

CMI = [
    rule("query.answer", "Answer an email, web form, social media post or letter", "query",
         "received", "answered", (3, WD), by=CUSTOMER_SERVICES, source=M),
    rule("callback", "Return a voice message", "voice message", "received", "called back",
         (1, WD), by=CUSTOMER_SERVICES, remind=(8,), source=M),
    rule("complaint.acknowledge", "Respond to a complaint", "complaint", "received",
         "responded with a realistic timescale for resolution", (3, WD), by=CUSTOMER_SERVICES,
         tell=[DIRECTOR], source=M,
         text="3 working days, with a realistic timescale for resolution"),
    rule("support.employer", "Respond to a system delivery enquiry",
         "system delivery enquiry", "received", "responded", (0, WD), by=CUSTOMER_SERVICES,
         remind=(4,), source=M, text="same working day"),
    rule("support.process", "Respond to a process support enquiry",
         "learning organisation process enquiry", "received", "responded", (2, WD),
         by=CUSTOMER_SERVICES, source=M),
    rule("certificates.despatch", "Issue certificates", "certificates", "signed off",
         "issued", (15, WD), by=RESULTS_TEAM, remind=(72, 24), source=M,
         text="15 working days after sign-off (plus postage)"),
    rule("membership.process", "Process a membership application or upgrade",
         "membership application or upgrade", "received", "outcome confirmed", (3, WD),
         by=REGISTRATION_TEAM, source=M),
    rule("membership.renewal_reminder", "Remind a member of renewal", "membership renewal",
         "", "reminder sent", None, by=REGISTRATION_TEAM, source=M,
         text="4 weeks before the renewal date"),
]  # fmt: skip

PRESETS: dict[str, list[dict]] = {"cambridge": CAMBRIDGE, "cmi": CMI}
