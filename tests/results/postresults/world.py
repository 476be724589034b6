"""Post-results service requests and certificate despatches of one centre at every status,
for the isolation matrix."""

import datetime as dt

from django.utils import timezone

from results.postresults import certificates, services
from results.postresults.models import CertificateDespatch, ServiceRequest
from tests.factories import CandidateFactory, SeriesFactory


def requests_at_every_status(centre, officer, *, staff, series) -> dict:
    """``{status: request}`` of ``centre``, through the services; ``series`` is released."""
    coming = SeriesFactory(
        code="N28", name="November 2028", results_release_at=timezone.now() + dt.timedelta(days=90)
    )
    for one in (series, coming):
        CandidateFactory(centre=centre, series=one, candidate_number="0301", surname="Service")

    def ask(service="paper_copies", on=series, **extra):
        return services.request_service(
            centre=centre,
            by=officer,
            service=service,
            series=on,
            candidate_number="0301",
            **extra,
        )

    def institution(on):
        return ask(
            "results_to_institution",
            on=on,
            recipient_name="University of Example",
            recipient_email=f"admissions-{centre.number.lower()}@example.ac.uk",
        )

    by_status = {
        "received": ask(),
        "scheduled": institution(coming),
        "despatched": services.despatch_request(ask("replacement_certificate"), by=staff),
        "sent": institution(series),
        "declined": services.decline_request(ask(), by=staff, reason="Not ours."),
        "withdrawn": services.withdraw_request(ask(), by=officer),
    }
    missing = set(ServiceRequest.Status.values) - set(by_status)
    assert not missing, f"The world has no service request at {sorted(missing)}: add one."
    assert all(case.status == status for status, case in by_status.items())
    return by_status


def despatches_at_every_status(centre, *, staff, series) -> dict:
    """``{status: despatch}`` of ``centre``'s certificates, through the services: one per
    series (a centre has one despatch per series), ``series`` and two more, all released."""
    released = series.results_release_at
    held_on = SeriesFactory(code="C26H", name="Certificates held", results_release_at=released)
    sent_on = SeriesFactory(code="C26D", name="Certificates sent", results_release_at=released)

    def opened(on):
        return certificates.open_certificate_despatch(centre=centre, series=on)

    by_status = {
        "due": opened(series),
        "held": certificates.hold_certificates(
            opened(held_on), by=staff, reason="Please confirm your delivery address."
        ),
        "despatched": certificates.despatch_certificates(
            opened(sent_on), by=staff, courier="DHL Express", tracking_reference="JD0146"
        ),
    }
    missing = set(CertificateDespatch.Status.values) - set(by_status)
    assert not missing, f"The world has no certificate despatch at {sorted(missing)}: add one."
    assert all(case.status == status for status, case in by_status.items())
    return by_status
