"""The page of an appeal and its moves."""

from entries.arrangements import services
from entries.arrangements.models import Appeal
from entries.arrangements.steps import APPEAL
from portal.cases.views import CaseDetailView
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
    action_forms = APPEAL.actions()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        appeal = self.object
        user = self.request.user
        context.update(
            original=appeal.original,
        )
        if is_staff_user(user):
            # Whoever decided the outcome appealed against, or an earlier stage, may not
            # decide this one: they are told so instead of being offered the forms.
            context["involved"] = user.pk in services.involved_in(appeal)
        return context
