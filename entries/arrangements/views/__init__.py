"""The pages of access arrangements, special consideration and appeals: one list of the
centre's applications with their deadlines, a form for each kind of application, and a
page per case (``access``, ``consideration``, ``appeals``)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.views.generic import FormView, TemplateView

from entries.arrangements import queries, services
from entries.arrangements.forms import AccessArrangementForm, SpecialConsiderationForm
from entries.arrangements.models import AccessArrangement, SpecialConsideration
from portal.cases.services import applying_centre
from portal.cases.views import refuse_other_roles
from portal.errors import PortalError
from portal.permissions import centres_visible_to


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


class _ApplyView(LoginRequiredMixin, FormView):
    model = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            refuse_other_roles(request.user, self.model)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "centres": centres_visible_to(self.request.user)}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        try:
            centre = applying_centre(self.request.user, chosen=data.pop("centre"))
            case = self.apply(centre=centre, by=self.request.user, **data)
        except PortalError as error:
            error.onto(form)
            return self.form_invalid(form)
        messages.success(self.request, self.done(case))
        return redirect(case)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class AccessArrangementCreateView(_ApplyView):
    model = AccessArrangement
    template_name = "arrangements/access_form.html"
    form_class = AccessArrangementForm

    def apply(self, **data):
        return services.apply_for_access_arrangement(**data)

    def done(self, case):
        if case.status == AccessArrangement.Status.APPROVED:
            return f"{case.reference} recorded: your centre grants this arrangement itself."
        return f"Application {case.reference} received."

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "windows": queries.application_windows()}


class SpecialConsiderationCreateView(_ApplyView):
    model = SpecialConsideration
    template_name = "arrangements/consideration_form.html"
    form_class = SpecialConsiderationForm

    def apply(self, **data):
        return services.apply_for_special_consideration(**data)

    def done(self, case):
        return f"Application {case.reference} received."
