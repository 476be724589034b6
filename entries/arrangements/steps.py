"""The staff moves of access arrangements, special consideration and appeals, each declared
once for its page and its API (portal/cases/steps.py). A centre's appeal against an outcome
is written by hand: it opens an appeal, and the API answers the case appealed."""

from django.utils.translation import gettext_lazy as _

from entries.arrangements import services
from entries.arrangements.models import AccessArrangement, Appeal, SpecialConsideration
from portal.cases.steps import Step, Steps

ACCESS = Steps(
    AccessArrangement,
    {
        "acknowledge": Step(
            services.acknowledge_access_arrangement,
            done="Acknowledged; the centre has been told.",
        ),
        "approve": Step(
            services.approve_access_arrangement,
            services.NOTE,
            done="Approved; the centre has been told.",
        ),
        "decline": Step(
            services.decline_access_arrangement,
            services.DECLINE_REASON,
            button=_("Decline and say why"),
            style="warning",
            done="Declined; the centre has been told why.",
        ),
    },
)

CONSIDERATION = Steps(
    SpecialConsideration,
    {
        "grant": Step(
            services.grant_special_consideration,
            services.ADJUSTMENT,
            services.NOTE,
            done="Granted; the centre has been told.",
        ),
        "decline": Step(
            services.decline_special_consideration,
            services.NOT_GRANTED_REASON,
            button=_("Do not grant, and say why"),
            style="warning",
            done="Not granted; the centre has been told why.",
        ),
    },
)

APPEAL = Steps(
    Appeal,
    {
        "uphold": Step(
            services.uphold_appeal,
            services.OUTCOME,
            services.ADJUSTMENT_NOW,
            done="Upheld; the outcome has been changed and the centre told.",
        ),
        "dismiss": Step(
            services.dismiss_appeal,
            services.OUTCOME,
            button=_("Do not uphold, and say why"),
            style="warning",
            done="Not upheld; the centre has been told why.",
        ),
    },
)
