"""The pages of access arrangements, special consideration and appeals: one list of the
centre's applications with their deadlines, a form for each kind of application, and a
page per case (``access``, ``consideration``, ``appeals``)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from entries.arrangements import queries, services
from entries.arrangements.forms import AccessArrangementForm, SpecialConsiderationForm
from entries.arrangements.models import AccessArrangement, SpecialConsideration
from portal.cases.views import CaseCreateView, refuse_other_roles


class ArrangementsView(LoginRequiredMixin, TemplateView):
    """The centre's access arrangements, special consideration and appeals, open ones
    first, with the deadlines of the series still taking applications."""

    template_name = "arrangements/list.html"

    def get(self, request, *args, **kwargs):
        refuse_other_roles(request.user, AccessArrangement)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        show_all = self.request.GET.get("show") == "all"
        return {
            **super().get_context_data(**kwargs),
            **queries.cases_of(self.request.user, show_all=show_all),
            "show_all": show_all,
            "windows": queries.application_windows(),
        }


class AccessArrangementCreateView(CaseCreateView):
    model = AccessArrangement
    template_name = "arrangements/access_form.html"
    form_class = AccessArrangementForm

    def open_case(self, **data):
        return services.apply_for_access_arrangement(**data)

    def done(self, case):
        if case.status == AccessArrangement.Status.APPROVED:
            return f"{case.reference} recorded: your centre grants this arrangement itself."
        return f"Application {case.reference} received."

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "windows": queries.application_windows()}


class SpecialConsiderationCreateView(CaseCreateView):
    model = SpecialConsideration
    template_name = "arrangements/consideration_form.html"
    form_class = SpecialConsiderationForm

    def open_case(self, **data):
        return services.apply_for_special_consideration(**data)

    def done(self, case):
        return f"Application {case.reference} received."
