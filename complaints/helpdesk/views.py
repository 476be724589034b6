"""The pages of queries: the centre's list, a form to ask, and a page per query where staff
answer, refer or take it as a complaint."""

from complaints.helpdesk.models import Query
from complaints.helpdesk.steps import OPENING, STEPS
from portal.cases.views import CaseDetailView, CaseListView
from portal.notifications.models import Notification


class QueriesView(CaseListView):
    model = Query
    template_name = "queries/list.html"
    context_object_name = "queries"


QueryCreateView = OPENING.view("queries/form.html")


class QueryDetailView(CaseDetailView):
    model = Query
    template_name = "queries/detail.html"
    select_related: tuple[str, ...] = ("centre", "syllabus", "candidate", "complaint")
    action_forms = STEPS.actions()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            notices=Notification.objects.for_user(user).filter(reference=self.object.reference),
            files=self.object.files.all(),
        )
        return context
