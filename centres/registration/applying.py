"""The rules of a school's application to become a centre, the applicant's side (re-exported by
``centres.registration.services``; the registration team's side is ``judging.py``).

Interest is registered when the school confirms its email address: the application opens
(``approval.visit`` starts) and round 1 of its self-assessment is made from the standards
that apply to it. The applicant completes and submits; the registration team schedules the
visit, judges each standard and decides. Every status change goes through
``portal.workflow.transition``; the applicant is told of every step, in the portal and by
email.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from centres.registration.applications import (
    COMMENT_MAX,
    VISIT,
    ApplicationFee,
    ApplicationRound,
    CentreApplication,
    SelfAssessment,
    countries,
)
from centres.registration.models import QualityStandard, StandardSet
from portal.accounts.confirmation import confirmation_link
from portal.accounts.roles import REGISTRATION_TEAM
from portal.cases.notices import notice_text, tell
from portal.cases.services import open_case
from portal.centres.programmes import Programme
from portal.errors import PortalError, TransitionNotAllowed
from portal.notifications import Address, Role, notify
from portal.sla import services as sla
from portal.storage import files_discarded_on_failure
from portal.uploads.policies import UploadPolicy, group
from portal.uploads.services import attach_files, check_files
from portal.workflow import actions_for, authorize, transition

Status = CentreApplication.Status
User = get_user_model()

EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
EVIDENCE = UploadPolicy(
    "evidence of a self-assessment",
    [
        *group("PDF", EVIDENCE_MAX_BYTES, {"application/pdf": [".pdf"]}),
        *group(
            "Word document",
            EVIDENCE_MAX_BYTES,
            {
                "application/msword": [".doc"],
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": [
                    ".docx"
                ],
            },
        ),
        *group(
            "image",
            EVIDENCE_MAX_BYTES,
            {"image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"]},
        ),
    ],
    field="evidence",
)
# A visit is planned within the year: a date further off would quietly park the case.
VISIT_WITHIN = dt.timedelta(days=366)


def _text(value, *, field: str, message: str, required: bool = True, limit: int = 0) -> str:
    value = " ".join(str(value or "").split()) if field != "comment" else str(value or "").strip()
    if required and not value:
        raise PortalError(message, field=field)
    if limit and len(value) > limit:
        raise PortalError(f"At most {limit} characters.", field=field)
    return value


def _tell_applicant(application, step: str, *, kind: str, key: str = "", at=None, **context):
    """A step told to the person applying (``notices/registration/centreapplication/``)."""
    tell(
        application,
        step=step,
        kind=kind,
        to=[application.applicant],
        key=f"application:{application.pk}:{key or step}",
        with_link="Your application:",
        at=at,
        context=context,
    )


def _tell_team(application, step: str, *, kind: str, key: str = "", to=None, at=None, **context):
    """A step told to the registration team, or to the staff member ``to`` names."""
    tell(
        application,
        step=step,
        kind=kind,
        to=to or [Role(REGISTRATION_TEAM)],
        key=f"application:{application.pk}:{key or step}",
        team=True,
        with_link="The application:",
        at=at,
        context=context,
    )


# --- Registering interest ------------------------------------------------------------------


def check_interest(data: dict) -> dict:
    """The interest form's answers, cleaned; a ``PortalError`` names the first wrong one."""
    clean = {
        "school_name": _text(
            data.get("school_name"), field="school_name", message="Give the school's name.",
            limit=200,
        ),
        "contact_name": _text(
            data.get("contact_name"), field="contact_name", message="Give your name.", limit=200
        ),
        "contact_role": _text(
            data.get("contact_role"), field="contact_role", message="", required=False,
            limit=200,
        ),
        "contact_phone": _text(
            data.get("contact_phone"), field="contact_phone", message="", required=False,
            limit=40,
        ),
    }  # fmt: skip
    country = data.get("country") or ""
    if country not in countries():
        raise PortalError("Choose the school's country.", field="country")
    zones = countries()[country][1]
    zone = data.get("timezone") or (zones[0] if len(zones) == 1 else "")
    if zone not in zones:
        raise PortalError(
            f"Choose the school's time zone in {countries()[country][0]}.", field="timezone"
        )
    email = (data.get("contact_email") or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise PortalError(
            "Give an email address such as name@school.org.", field="contact_email"
        ) from None
    if User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists():
        raise PortalError(
            "An account already uses this email address: sign in with it, or reset its "
            "password if you have forgotten it.",
            field="contact_email",
        )
    teaches_online = data.get("teaches_online")
    if teaches_online not in (True, False):
        raise PortalError("Say whether the school teaches online.", field="teaches_online")
    programmes = list(dict.fromkeys(data.get("programmes") or []))
    if not programmes or any(p not in Programme.values for p in programmes):
        raise PortalError("Choose at least one programme.", field="programmes")
    return {
        **clean,
        "country": country,
        "timezone": zone,
        "contact_email": email,
        "teaches_online": teaches_online,
        "programmes": programmes,
    }


def register_interest(*, data: dict, password: str, at: dt.datetime | None = None):
    """A school registers its interest and gets an applicant account.

    Steps: check the answers and the password; make the account, not yet usable; open the
    application, waiting for the email address to be confirmed; send the confirmation link.
    Nothing is kept if any step fails.
    """
    at = at or timezone.now()
    clean = check_interest(data)
    user = User(
        username=clean["contact_email"],
        email=clean["contact_email"],
        first_name=clean["contact_name"][:150],
        time_zone=clean["timezone"],
        is_active=False,
    )
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise PortalError(" ".join(error.messages), field="password") from None
    with transaction.atomic():
        user.set_password(password)
        user.save()
        application = open_case(
            CentreApplication,
            by=None,
            at=at,
            summary="Interest registered; email address to be confirmed",
            status=Status.UNCONFIRMED,
            applicant=user,
            **clean,
        )
        send_confirmation(application, at=at)
    return application


def send_confirmation(application, *, at: dt.datetime | None = None) -> None:
    """Email the link that confirms the applicant's address (again, if they ask)."""
    at = at or timezone.now()
    link = confirmation_link(application.applicant, url_name="join:confirm")
    subject, body = notice_text(
        application, "confirm", link=link, days=settings.PASSWORD_RESET_TIMEOUT // 86400
    )
    notify(
        key=f"application:{application.pk}:confirm:{at.timestamp()}",
        kind="requested",
        to=[Address(application.contact_email, name=application.contact_name)],
        subject=subject,
        body=body,
        reference=application.reference,
        at=at,
    )


def applicable_standards(application) -> tuple[StandardSet, list[QualityStandard]]:
    """The published set schools are assessed against now, and the standards of it that
    apply to this school: all of them for an online school, else those not specific to
    online teaching."""
    standard_set = StandardSet.objects.current()
    if standard_set is None:
        raise PortalError("No registration quality standards are published yet.")
    standards = QualityStandard.objects.of_set(standard_set)
    if not application.teaches_online:
        standards = standards.for_every_school()
    return standard_set, list(standards.order_by("area", "number"))


def _first_round(application) -> ApplicationRound:
    standard_set, standards = applicable_standards(application)
    round_ = ApplicationRound.objects.create(
        application=application, number=1, standard_set=standard_set
    )
    SelfAssessment.objects.bulk_create(
        SelfAssessment(
            round=round_,
            standard=s,
            code=s.code,
            area=s.area,
            number=s.number,
            text=s.text,  # copied: a later correction never rewrites what was assessed
        )
        for s in standards
    )
    return round_


def confirm_email(user, *, at: dt.datetime | None = None) -> CentreApplication:
    """The applicant opened the link: their account becomes usable, their interest is
    registered, ``approval.visit`` starts and round 1 of the self-assessment is made."""
    at = at or timezone.now()
    application = (
        CentreApplication.objects.filter(applicant=user, status=Status.UNCONFIRMED)
        .order_by("pk")
        .first()
    )
    if application is None:
        raise PortalError("This link is not valid.")
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=True)
        user.is_active = True
        application, moved = transition(
            application, "confirm", by=None, summary="Email confirmed; interest registered", at=at
        )
        if moved:
            sla.start_clock(application, code=VISIT, at=at)
            _first_round(application)
            _tell_applicant(
                application, "registered", kind="received", at=at, visit=sla.promise(VISIT)
            )
    return application


# --- Completing the application ------------------------------------------------------------


def _editable(application, *, by) -> None:
    authorize(application, "edit", by=by)
    if not any(m.name == "edit" for m in actions_for(by, application)):
        raise TransitionNotAllowed(
            f"This application is {application.get_status_display().lower()}: it cannot be "
            "changed now."
        )


def save_school_details(application, *, by, data: dict) -> CentreApplication:
    """Save the first step (what is given; the rest may come later)."""
    _editable(application, by=by)
    values = {}
    for name in CentreApplication.SCHOOL_FIELDS:
        value = data.get(name)
        values[name] = value.strip() if isinstance(value, str) else value
    for name, value in values.items():
        setattr(application, name, "" if value is None and name != "student_count" else value)
    try:
        application.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise PortalError(messages[0], field=field) from None
    application.save(update_fields=CentreApplication.SCHOOL_FIELDS)
    return application


def editable_round(application) -> ApplicationRound:
    return application.rounds.order_by("-number").first()


def save_self_assessment(
    application, *, by, area: int, comments: dict[str, str], evidence: dict[str, list]
) -> list[SelfAssessment]:
    """Save the school's comments and new evidence files for the standards of one area.

    Every comment and file is checked before anything is saved; then all are saved, or
    none (files already stored are removed again if saving fails).
    """
    _editable(application, by=by)
    round_ = editable_round(application)
    assessments = {a.code: a for a in round_.assessments.filter(area=area)}
    if not assessments:
        raise PortalError("No standards of this area apply to the school.")
    unknown = (set(comments) | set(evidence)) - set(assessments)
    if unknown:
        raise PortalError(f"No standard {sorted(unknown)[0]} in this area.")
    cleaned = {}
    for code, comment in comments.items():
        comment = str(comment or "").strip()
        if len(comment) > COMMENT_MAX:
            raise PortalError(f"At most {COMMENT_MAX} characters.", field=f"comment_{code}")
        cleaned[code] = comment
    checked = {}
    for code, files in evidence.items():
        try:
            checked[code] = check_files(files, policy=EVIDENCE)
        except PortalError as error:
            raise PortalError(error.message, field=f"evidence_{code}") from None
    with files_discarded_on_failure(), transaction.atomic():
        for code, assessment in assessments.items():
            if code in cleaned and cleaned[code] != assessment.comment:
                assessment.comment = cleaned[code]
                assessment.save(update_fields=["comment"])
            if checked.get(code):
                assessment.files.add(
                    *attach_files(application, checked[code], policy=EVIDENCE, by=by)
                )
    return list(assessments.values())


def remove_evidence(application, *, by, code: str, public_id) -> None:
    """Take a file off a standard of the round being completed (it stays on earlier
    rounds that used it)."""
    _editable(application, by=by)
    assessment = editable_round(application).assessments.filter(code=code).first()
    if assessment is None:
        raise PortalError("No such standard.")
    assessment.files.remove(*assessment.files.filter(public_id=public_id))


def missing_for_submission(application) -> list[str]:
    """What is still to do before the application can be submitted, in plain words."""
    missing = []
    if application.school_details_missing:
        missing.append("Tell us about the school.")
    round_ = editable_round(application)
    if round_ is not None:
        without = [
            a.code for a in round_.assessments.all() if not a.comment or not a.files.exists()
        ]
        if without:
            missing.append(
                f"Give a comment and evidence for {len(without)} "
                f"standard{'s' if len(without) != 1 else ''}: {', '.join(without)}."
            )
    return missing


def fee_for(country: str) -> ApplicationFee:
    fee = ApplicationFee.objects.for_country(country)
    if fee is None:
        raise PortalError("No application fee is set: the registration team must set one.")
    return fee


def _check_complete(application) -> None:
    missing = missing_for_submission(application)
    if missing:
        raise PortalError(" ".join(missing), field="confirm")


def submit_application(application, *, by, at: dt.datetime | None = None) -> CentreApplication:
    """Submit round 1: at the fee of the school's country, which is kept with it."""
    at = at or timezone.now()
    authorize(application, "submit", by=by)
    fee = fee_for(application.country)
    with transaction.atomic():
        locked = CentreApplication.objects.select_for_update().get(pk=application.pk)
        if locked.status == Status.IN_PROGRESS:
            _check_complete(locked)

        def submitted(app) -> list[str]:
            app.fee_amount, app.fee_currency, app.submitted_at = fee.amount, fee.currency, at
            return ["fee_amount", "fee_currency", "submitted_at"]

        application, moved = transition(
            locked, "submit", by=by, summary="Submitted", update=submitted, at=at
        )
        if moved:
            ApplicationRound.objects.filter(application=application, number=1).update(
                submitted_at=at
            )
            _tell_applicant(
                application,
                "submitted",
                kind="received",
                at=at,
                fee=f"{application.fee_amount:,.2f}",
            )
            _tell_team(application, "submitted", kind="received", at=at)
    return application


def resubmit_application(application, *, by, at: dt.datetime | None = None) -> CentreApplication:
    """Resubmit after improvements: the round being revised is submitted for judgement."""
    at = at or timezone.now()
    authorize(application, "resubmit", by=by)
    with transaction.atomic():
        locked = CentreApplication.objects.select_for_update().get(pk=application.pk)
        if locked.status == Status.IMPROVEMENTS_NEEDED:
            _check_complete(locked)
        application, moved = transition(locked, "resubmit", by=by, summary="Resubmitted", at=at)
        if moved:
            round_ = editable_round(application)
            ApplicationRound.objects.filter(pk=round_.pk).update(submitted_at=at)
            _tell_applicant(
                application,
                "resubmitted",
                kind="received",
                key=f"resubmitted:{round_.number}",
                at=at,
                round=round_.number,
            )
            _tell_team(
                application,
                "resubmitted",
                kind="received",
                key=f"resubmitted:{round_.number}",
                at=at,
                round=round_.number,
            )
    return application


def withdraw_application(application, *, by, at: dt.datetime | None = None) -> CentreApplication:
    at = at or timezone.now()
    with transaction.atomic():
        application, moved = transition(application, "withdraw", by=by, summary="Withdrawn", at=at)
        if moved:
            sla.cancel_clocks(application, at=at, by=by)
            _tell_applicant(application, "withdrawn", kind="decided", at=at)
    return application


__all__ = [
    "EVIDENCE",
    "applicable_standards",
    "check_interest",
    "confirm_email",
    "editable_round",
    "fee_for",
    "missing_for_submission",
    "register_interest",
    "remove_evidence",
    "resubmit_application",
    "save_school_details",
    "save_self_assessment",
    "send_confirmation",
    "submit_application",
    "withdraw_application",
]
