"""The moves of a request for programmes, each declared once for its page and its API
(portal/cases/steps.py)."""

from django.utils.translation import gettext_lazy as _

from centres.registration.programmes import services
from centres.registration.programmes.models import ProgrammeRequest
from portal.cases.steps import Step, Steps

STEPS = Steps(
    ProgrammeRequest,
    {
        "withdraw": Step(
            services.withdraw_request,
            heading=_("No longer needed?"),
            button=_("Withdraw the request"),
            style="secondary",
            done="Your request is withdrawn.",
        ),
        "grant": Step(
            services.grant_request,
            services.NOTE,
            button=_("Grant: the centre offers them"),
            done="Granted: the centre now offers these programmes, and its officers are told.",
        ),
        "decline": Step(
            services.decline_request,
            services.DECLINE_REASON,
            button=_("Decline and tell them why"),
            style="warning",
            done="Declined: the centre's officers are told why.",
        ),
    },
)
