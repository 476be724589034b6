"""What the pages of an application and of an appeal share."""

from entries.arrangements import services
from portal.cases.views import CaseDetailView


class ApplicationDetailView(CaseDetailView):
    """An application's page: its appeals, whether it can be appealed now (or why not),
    the person's notices about it and, for staff, its history."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = self.object
        stage, why_not = services.appeal_prospects(case)
        context.update(
            appeals=case.appeals.order_by("stage"),
            appeal_stage=stage,
            appeal_refused=why_not,
        )
        return context
