"""Post-results service requests of one centre at every status, for the isolation matrix."""

import datetime as dt

from django.utils import timezone

from postresults import services
from postresults.models import ServiceRequest
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
