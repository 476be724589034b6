"""Demo applications: ``applicant1`` with a submitted application, and a school that went
through improvements and was approved. Found by the applicant's username, so that seeding
twice adds nothing."""

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from centres.registration import services
from centres.registration.applications import CentreApplication, Judgement
from centres.registration.programmes.demo import seed_programme_requests

PASSWORD = "demo-pass-123"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"

SUBMITTED = {
    "username": "applicant1",
    "data": {
        "school_name": "Nairobi Hills School",
        "country": "KE",
        "timezone": "Africa/Nairobi",
        "contact_name": "Wanjiru Kamau",
        "contact_role": "Deputy head",
        "contact_email": "applicant1@nairobi-hills.example",
        "contact_phone": "+254 20 123 4567",
        "teaches_online": False,
        "programmes": ["lower_secondary", "upper_secondary"],
    },
    "school": {
        "address": "Ngong Road 12, Nairobi",
        "website": "https://nairobi-hills.example",
        "principal_name": "Dr Otieno Mwangi",
        "student_count": 640,
        "age_range": "11–18",
    },
}
APPROVED = {
    "username": "applicant2",
    "data": {
        "school_name": "Gulf Online Academy",
        "country": "AE",
        "timezone": "Asia/Dubai",
        "contact_name": "Omar Haddad",
        "contact_role": "Principal",
        "contact_email": "applicant2@gulf-online.example",
        "teaches_online": True,
        "programmes": ["upper_secondary", "advanced"],
    },
    "school": {
        "address": "Knowledge Park, Dubai",
        "principal_name": "Omar Haddad",
        "student_count": 310,
        "age_range": "14–18",
    },
}


def _applicant(item: dict) -> CentreApplication:
    users = get_user_model().objects
    user = users.filter(username=item["username"]).first()
    if user is not None:
        return None
    application = services.register_interest(data=item["data"], password=PASSWORD)
    users.filter(pk=application.applicant_id).update(username=item["username"])
    applicant = users.get(pk=application.applicant_id)
    application = services.confirm_email(applicant)
    services.save_school_details(application, by=applicant, data=item["school"])
    _assess(application, applicant)
    return services.submit_application(application, by=applicant)


def _assess(application, applicant) -> None:
    round_ = services.editable_round(application)
    for area in sorted(set(round_.assessments.values_list("area", flat=True))):
        codes = list(round_.assessments.filter(area=area).values_list("code", flat=True))
        services.save_self_assessment(
            application,
            by=applicant,
            area=area,
            comments={
                code: f"How {application.school_name} meets {code}: see the policy."
                for code in codes
            },
            evidence={
                code: [SimpleUploadedFile(f"{code.lower()}-policy.pdf", PDF, "application/pdf")]
                for code in codes
            },
        )


def _reference_data() -> None:
    """The default fee and the standards, which migrations load: again if a test emptied
    the tables."""
    from decimal import Decimal
    from importlib import import_module

    from django.apps import apps

    from centres.registration.models import ApplicationFee, StandardSet

    ApplicationFee.objects.get_or_create(
        country="", defaults={"currency": "GBP", "amount": Decimal("1250.00")}
    )
    if StandardSet.objects.current() is None:
        import_module("centres.registration.migrations.0002_standards_2026").load(apps, None)


@transaction.atomic
def seed_applications() -> None:
    _reference_data()
    staff = get_user_model().objects.get(username="staff")
    _applicant(SUBMITTED)
    application = _applicant(APPROVED)
    if application is None:
        return
    today = timezone.localdate(timezone.now(), application.zone)
    services.schedule_visit(application, by=staff, date=today, mode="remote")
    application = services.request_improvements(
        application,
        by=staff,
        judgements=[
            {
                "code": "OP3",
                "judgement": Judgement.IMPROVEMENT_NEEDED,
                "improvement": "Check the learning platform against WCAG 2.2 AA "
                "and fix what fails.",
            }
        ],
        note="Everything else we saw meets our standards.",
    )
    applicant = application.applicant
    services.save_self_assessment(
        application,
        by=applicant,
        area=4,
        comments={"OP3": "An accessibility audit was done and every failure fixed."},
        evidence={"OP3": [SimpleUploadedFile("op3-audit.pdf", PDF, "application/pdf")]},
    )
    application = services.resubmit_application(application, by=applicant)
    services.approve_application(application, by=staff, note="Welcome to our community.")


STEPS = [seed_applications, seed_programme_requests]
