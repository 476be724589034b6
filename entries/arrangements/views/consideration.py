"""The page of a special consideration application and its moves."""

from entries.arrangements import services
from entries.arrangements.forms import GroundsForm
from entries.arrangements.models import SpecialConsideration
from entries.arrangements.steps import CONSIDERATION
from entries.arrangements.views.cases import ApplicationDetailView
from portal.cases.views import case_move


class SpecialConsiderationDetailView(ApplicationDetailView):
    model = SpecialConsideration
    template_name = "arrangements/consideration_detail.html"
    select_related = ("centre", "series", "candidate", "syllabus", "decided_by")
    action_forms = {**CONSIDERATION.actions(), "appeal": GroundsForm}


@case_move(SpecialConsiderationDetailView, "appeal")
def appeal(request, case, *, grounds):
    lodged = services.lodge_appeal(case, grounds=grounds, by=request.user)
    return f"Appeal {lodged.reference} (stage {lodged.stage}) received."
