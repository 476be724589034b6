"""The page of an access arrangement and its moves."""

from django.utils.translation import gettext_lazy as _

from entries.arrangements import services
from entries.arrangements.forms import GroundsForm, NoteForm, ReasonForm
from entries.arrangements.models import AccessArrangement
from entries.arrangements.views.cases import ApplicationDetailView
from portal.cases.views import Action, case_move


class AccessArrangementDetailView(ApplicationDetailView):
    model = AccessArrangement
    template_name = "arrangements/access_detail.html"
    select_related = ("centre", "series", "candidate", "decided_by")
    action_forms = {
        "acknowledge": Action(),
        "approve": Action(NoteForm),
        "decline": Action(ReasonForm, button=_("Decline and say why"), style="warning"),
        "appeal": GroundsForm,
    }


@case_move(AccessArrangementDetailView, "acknowledge")
def acknowledge(request, case):
    services.acknowledge_access_arrangement(case, by=request.user)
    return "Acknowledged; the centre has been told."


@case_move(AccessArrangementDetailView, "approve")
def approve(request, case, *, note):
    services.approve_access_arrangement(case, by=request.user, note=note)
    return "Approved; the centre has been told."


@case_move(AccessArrangementDetailView, "decline")
def decline(request, case, *, reason):
    services.decline_access_arrangement(case, by=request.user, reason=reason)
    return "Declined; the centre has been told why."


@case_move(AccessArrangementDetailView, "appeal")
def appeal(request, case, *, grounds):
    lodged = services.lodge_appeal(case, grounds=grounds, by=request.user)
    return f"Appeal {lodged.reference} (stage {lodged.stage}) received."
