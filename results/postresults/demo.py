"""Demo post-results requests: at GB001 paper copies waiting, a replacement certificate
despatched and results waiting for November's results day; at PK002 paper copies waiting;
and a learner's certifying statement. Found by service, series and candidate, so that
seeding twice adds nothing. June's certificates: GB001's despatched by courier, PK002's
still due (a syllabus held by QA), its clock running from results day."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from entries.models import Series
from portal.calendar import london_date
from portal.centres.models import Centre
from results.postresults import certificates, services
from results.postresults.models import CertificateDespatch, Service, ServiceRequest

DEMO = [
    ("GB001", "officer1", Service.PAPER_COPIES, "J26", "0001", "", "waiting"),
    ("GB001", "officer1", Service.REPLACEMENT_CERTIFICATE, "J26", "0002", "", "despatched"),
    ("GB001", "officer1", Service.RESULTS_TO_INSTITUTION, "N26", "0001",
     "admissions@university.example.ac.uk", "waiting"),
    ("PK002", "officer2", Service.PAPER_COPIES, "J26", "0001", "", "waiting"),
]  # fmt: skip


def seed_service_requests() -> None:
    users = get_user_model().objects
    staff = users.get(username="staff")
    for number, officer, service, code, candidate_number, email, stage in DEMO:
        centre = Centre.objects.get(number=number)
        series = Series.objects.get(code=code)
        if ServiceRequest.objects.filter(
            centre=centre, service=service, series=series, candidate_number=candidate_number
        ).exists():
            continue
        case = services.request_service(
            centre=centre,
            by=users.get(username=officer),
            service=service,
            series=series,
            candidate_number=candidate_number,
            recipient_name="University admissions office" if email else "",
            recipient_email=email,
            details="The original certificate was lost in a move." if stage == "despatched" else "",
        )
        if stage == "despatched":
            services.despatch_request(case, by=staff, note="Sent by tracked courier.")
    if not ServiceRequest.objects.filter(
        service=Service.CERTIFYING_STATEMENT, contact_email="learner@example.org"
    ).exists():
        services.apply_for_certifying_statement(
            name="Amira Learner",
            date_of_birth=dt.date(2008, 5, 14),
            email="learner@example.org",
            series=Series.objects.get(code="J26"),
            delivery_address="12 Garden Row\nCambridge\nCB1 1AA\nUnited Kingdom",
            centre_number="GB001",
            candidate_number="0003",
        )


def seed_certificate_despatches() -> None:
    june = Series.objects.get(code="J26")
    now = timezone.now()
    if june.results_release_at > now:
        return
    certificates.open_series_certificate_despatches(june, now=now)
    gb001 = CertificateDespatch.objects.filter(
        centre__number="GB001", series=june, status=CertificateDespatch.Status.DUE
    ).first()
    if gb001 is not None:
        certificates.despatch_certificates(
            gb001,
            by=get_user_model().objects.get(username="staff"),
            courier="DHL Express",
            tracking_reference="JD014600003271",
            despatched_on=min(
                london_date(june.results_release_at) + dt.timedelta(days=30), london_date(now)
            ),
            at=now,
        )


STEPS = [seed_service_requests, seed_certificate_despatches]
