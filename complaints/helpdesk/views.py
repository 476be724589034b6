"""The pages of queries: the centre's list, a form to ask, and a page per query where staff
answer, refer or take it as a complaint."""

from complaints.helpdesk.models import Query
from complaints.helpdesk.steps import OPENING, STEPS
from portal.cases.views import CaseDetailView, CaseListView


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
