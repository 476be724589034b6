"""The page of an appeal and its moves."""

from django.utils.translation import gettext_lazy as _

from entries.arrangements import services
from entries.arrangements.forms import OutcomeForm, UpholdForm
from entries.arrangements.models import Appeal
from portal.cases.views import Action, CaseDetailView, case_move
from portal.notifications.models import Notification
from portal.permissions import is_staff_user


class AppealDetailView(CaseDetailView):
    model = Appeal
    template_name = "arrangements/appeal_detail.html"
    select_related = (
        "centre",
        "decided_by",
        "access_arrangement__candidate",
        "access_arrangement__series",
        "special_consideration__candidate",
        "special_consideration__series",
        "special_consideration__syllabus",
    )
    action_forms = {
        "uphold": Action(UpholdForm),
        "dismiss": Action(OutcomeForm, button=_("Do not uphold, and say why"), style="warning"),
    }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        appeal = self.object
        user = self.request.user
        context.update(
            original=appeal.original,
            notices=Notification.objects.for_user(user).filter(reference=appeal.reference),
        )
        if is_staff_user(user):
            # Whoever decided the outcome appealed against, or an earlier stage, may not
            # decide this one: they are told so instead of being offered the forms.
            context["involved"] = user.pk in services.involved_in(appeal)
        return context


@case_move(AppealDetailView, "uphold")
def uphold(request, appeal, *, outcome, adjustment_percent):
    services.uphold_appeal(
        appeal, by=request.user, outcome=outcome, adjustment_percent=adjustment_percent
    )
    return "Upheld; the outcome has been changed and the centre told."


@case_move(AppealDetailView, "dismiss")
def dismiss(request, appeal, *, outcome):
    services.dismiss_appeal(appeal, by=request.user, outcome=outcome)
    return "Not upheld; the centre has been told why."
