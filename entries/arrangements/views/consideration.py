"""The page of a special consideration application and its moves."""

from django.utils.translation import gettext_lazy as _

from entries.arrangements import services
from entries.arrangements.forms import GrantForm, GroundsForm, ReasonForm
from entries.arrangements.models import SpecialConsideration
from entries.arrangements.views.cases import ApplicationDetailView
from portal.cases.views import Action, case_move


class SpecialConsiderationDetailView(ApplicationDetailView):
    model = SpecialConsideration
    template_name = "arrangements/consideration_detail.html"
    select_related = ("centre", "series", "candidate", "syllabus", "decided_by")
    action_forms = {
        "grant": Action(GrantForm),
        "decline": Action(ReasonForm, button=_("Do not grant, and say why"), style="warning"),
        "appeal": GroundsForm,
    }


@case_move(SpecialConsiderationDetailView, "grant")
def grant(request, case, *, adjustment_percent, note):
    services.grant_special_consideration(
        case, by=request.user, adjustment_percent=adjustment_percent, note=note
    )
    return "Granted; the centre has been told."


@case_move(SpecialConsiderationDetailView, "decline")
def decline(request, case, *, reason):
    services.decline_special_consideration(case, by=request.user, reason=reason)
    return "Not granted; the centre has been told why."


@case_move(SpecialConsiderationDetailView, "appeal")
def appeal(request, case, *, grounds):
    lodged = services.lodge_appeal(case, grounds=grounds, by=request.user)
    return f"Appeal {lodged.reference} (stage {lodged.stage}) received."
