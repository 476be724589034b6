"""What the pages of an application and of an appeal share."""

from entries.arrangements import services
from portal.cases.views import CaseDetailView
from portal.notifications.models import Notification


class ApplicationDetailView(CaseDetailView):
    """An application's page: its appeals, whether it can be appealed now (or why not),
    the person's notices about it and, for staff, its history."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = self.object
        user = self.request.user
        stage, why_not = services.appeal_prospects(case)
        context.update(
            appeals=case.appeals.order_by("stage"),
            appeal_stage=stage,
            appeal_refused=why_not,
            notices=Notification.objects.for_user(user).filter(reference=case.reference),
        )
        return context
