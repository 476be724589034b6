"""The move of a publication order, declared once for its page and its API
(portal/cases/steps.py)."""

from centres.publications import services
from centres.publications.models import PublicationOrder
from portal.cases.steps import Step, Steps

STEPS = Steps(
    PublicationOrder,
    {
        "despatch": Step(
            services.despatch_order, done="Despatch recorded; the centre has been told."
        ),
    },
)
