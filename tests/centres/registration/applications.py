"""Centre applications at any stage of their life cycle, made through the services."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from centres.registration import services
from centres.registration.applications import ApplicationFee, CentreApplication, Judgement
from portal.cases.services import open_case
from tests.centres.registration.loading import ensure_standards_2026

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
Status = CentreApplication.Status
ORDER = [
    Status.UNCONFIRMED,
    Status.IN_PROGRESS,
    Status.SUBMITTED,
    Status.VISIT_SCHEDULED,
    Status.IMPROVEMENTS_NEEDED,
    Status.RESUBMITTED,
    Status.APPROVED,
]


def interest(**changes) -> dict:
    return {
        "school_name": "Nairobi Hills School",
        "country": "KE",
        "timezone": "Africa/Nairobi",
        "contact_name": "Wanjiru Kamau",
        "contact_email": "head@nairobi-hills.example",
        "teaches_online": False,
        "programmes": ["upper_secondary"],
        **changes,
    }


SCHOOL = {
    "address": "Ngong Road 12, Nairobi",
    "website": "",
    "principal_name": "Dr Otieno Mwangi",
    "student_count": 640,
    "age_range": "11-18",
}


def ensure_reference_data() -> None:
    ensure_standards_2026()
    ApplicationFee.objects.get_or_create(
        country="", defaults={"currency": "GBP", "amount": Decimal("1250.00")}
    )


def pdf(name: str = "evidence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def complete(application, applicant) -> None:
    """Answer every step: the school, and a comment and a file for every standard."""
    services.save_school_details(application, by=applicant, data=SCHOOL)
    round_ = services.editable_round(application)
    for area in sorted(set(round_.assessments.values_list("area", flat=True))):
        codes = list(round_.assessments.filter(area=area).values_list("code", flat=True))
        services.save_self_assessment(
            application,
            by=applicant,
            area=area,
            comments={code: f"We meet {code}." for code in codes},
            evidence={code: [pdf(f"{code}.pdf")] for code in codes},
        )


def application_at(status: str, *, applicant, staff, **changes) -> CentreApplication:
    """An application of ``applicant`` brought to ``status`` (or withdrawn while in
    progress) through the services."""
    ensure_reference_data()
    application = open_case(
        CentreApplication,
        status=Status.UNCONFIRMED,
        applicant=applicant,
        **interest(contact_email=applicant.email, **changes),
    )
    if status == Status.UNCONFIRMED:
        return application
    application = services.confirm_email(applicant)
    if status == Status.WITHDRAWN:
        return services.withdraw_application(application, by=applicant)
    if status == Status.IN_PROGRESS:
        return application
    complete(application, applicant)
    application = services.submit_application(application, by=applicant)
    if status == Status.SUBMITTED:
        return application
    today = timezone.localdate(timezone.now(), application.zone)
    application = services.schedule_visit(application, by=staff, date=today, mode="remote")
    if status == Status.VISIT_SCHEDULED:
        return application
    if status == Status.APPROVED:
        return services.approve_application(application, by=staff)
    application = services.request_improvements(
        application,
        by=staff,
        judgements=[
            {"code": "MV1", "judgement": Judgement.IMPROVEMENT_NEEDED, "improvement": "Publish it."}
        ],
    )
    if status == Status.IMPROVEMENTS_NEEDED:
        return application
    return services.resubmit_application(application, by=applicant)
