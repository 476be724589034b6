"""The moves of post-results services and of certificate despatches, each declared once for
its page and its API (portal/cases/steps.py). A service request's page draws its forms
itself (the results are sent by hand only once released)."""

from django.utils.translation import gettext_lazy as _

from portal.cases.steps import Step, Steps
from results.postresults import certificates, services
from results.postresults.models import CertificateDespatch, ServiceRequest

REQUEST = Steps(
    ServiceRequest,
    {
        "withdraw": Step(services.withdraw_request, drawn=False, done="Your request is withdrawn."),
        "despatch": Step(
            services.despatch_request,
            services.DESPATCH_NOTE,
            drawn=False,
            done="Despatch recorded: whoever asked is told.",
        ),
        "send": Step(services.send_results, drawn=False, done="The results were sent."),
        "decline": Step(
            services.decline_request,
            services.DECLINE_REASON,
            drawn=False,
            done="Declined: whoever asked is told why.",
        ),
    },
)

CERTIFICATES = Steps(
    CertificateDespatch,
    {
        "despatch": Step(
            certificates.despatch_certificates,
            certificates.COURIER,
            certificates.TRACKING_REFERENCE,
            certificates.DESPATCHED_ON,
            schema_name="CertificatesDespatched",
            button=_("Despatched: tell the centre"),
            done="Despatch recorded: the centre's exams officers are told.",
        ),
        "hold": Step(
            certificates.hold_certificates,
            certificates.HOLD_REASON,
            schema_name="CertificatesHeld",
            button=_("Hold and tell the centre"),
            style="secondary",
            done="On hold: the centre's exams officers are told what is needed.",
        ),
        "resume": Step(
            certificates.resume_certificates,
            heading=_("End the hold"),
            style="secondary",
            done="The hold is over: the certificates are due again.",
        ),
    },
)
