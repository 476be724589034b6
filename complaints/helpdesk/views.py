"""The pages of queries: the centre's list, a form to ask, and a page per query where staff
answer, refer or take it as a complaint."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from complaints.helpdesk import services
from complaints.helpdesk.forms import AnswerForm, ComplaintForm, QueryForm, ReferForm
from complaints.helpdesk.models import Query
from portal.cases.views import (
    Action,
    CaseCreateView,
    CaseDetailView,
    case_move,
    refuse_other_roles,
)
from portal.notifications.models import Notification


class QueriesView(LoginRequiredMixin, TemplateView):
    template_name = "queries/list.html"

    def get(self, request, *args, **kwargs):
        refuse_other_roles(request.user, Query)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        show_all = self.request.GET.get("show") == "all"
        cases = (
            Query.objects.visible_to(self.request.user)
            .select_related("centre")
            .prefetch_related("deadlines")
        )
        if not show_all:
            cases = cases.open()
        return {**super().get_context_data(**kwargs), "queries": cases[:200], "show_all": show_all}


class QueryCreateView(CaseCreateView):
    noun = "Query"
    template_name = "queries/form.html"
    form_class = QueryForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            refuse_other_roles(request.user, Query)
            services.refuse_asking_for_others(request.user)
        return super().dispatch(request, *args, **kwargs)

    def open_case(self, **data):
        return services.open_query(**data)


class QueryDetailView(CaseDetailView):
    model = Query
    template_name = "queries/detail.html"
    select_related: tuple[str, ...] = ("centre", "syllabus", "candidate", "complaint")
    action_forms = {
        "answer": Action(AnswerForm, button=_("Send the answer")),
        "refer": Action(
            ReferForm,
            button=_("Refer"),
            hint=_(
                "The query goes to that team's queue; the clock keeps running and the centre "
                "is told who has it."
            ),
        ),
        "take-as-complaint": Action(
            ComplaintForm,
            hint=_(
                "When the query is a complaint or an expression of dissatisfaction: it opens "
                "as one, in the centre's words, and the query closes."
            ),
        ),
    }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            notices=Notification.objects.for_user(user).filter(reference=self.object.reference),
            files=self.object.files.all(),
        )
        return context


@case_move(QueryDetailView, "answer")
def answer(request, case, *, response):
    services.answer_query(case, by=request.user, response=response)
    return "Answer sent to the centre."


@case_move(QueryDetailView, "refer")
def refer(request, case, *, role):
    services.refer_query(case, by=request.user, role=role)
    return f"Referred to the {role.lower()}; the centre has been told."


@case_move(QueryDetailView, "take-as-complaint")
def take_as_complaint(request, case, *, category, formal):
    case = services.take_as_complaint(case, by=request.user, category=category, formal=formal)
    return f"Taken as {case.complaint.reference}; the centre has been told."
