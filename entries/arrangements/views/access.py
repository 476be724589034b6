"""The page of an access arrangement and its moves."""

from entries.arrangements import services
from entries.arrangements.forms import GroundsForm
from entries.arrangements.models import AccessArrangement
from entries.arrangements.steps import ACCESS
from entries.arrangements.views.cases import ApplicationDetailView
from portal.cases.views import case_move


class AccessArrangementDetailView(ApplicationDetailView):
    model = AccessArrangement
    template_name = "arrangements/access_detail.html"
    select_related = ("centre", "series", "candidate", "decided_by")
    action_forms = {**ACCESS.actions(), "appeal": GroundsForm}


@case_move(AccessArrangementDetailView, "appeal")
def appeal(request, case, *, grounds):
    lodged = services.lodge_appeal(case, grounds=grounds, by=request.user)
    return f"Appeal {lodged.reference} (stage {lodged.stage}) received."
