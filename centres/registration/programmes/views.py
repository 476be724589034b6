"""The pages of requests to offer additional programmes: a centre's officers ask and follow
their answers; the registration team answers each from its page."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.views.generic import FormView, ListView

from centres.registration.programmes import services
from centres.registration.programmes.forms import ProgrammeRequestForm
from centres.registration.programmes.models import RESPOND, ProgrammeRequest
from centres.registration.programmes.steps import STEPS
from portal.cases.views import CaseDetailView, refuse_other_roles
from portal.errors import PortalError
from portal.permissions import centres_visible_to, is_staff_user
from portal.sla import services as sla
from portal.sla.models import with_deadlines


class ProgrammeRequestListView(LoginRequiredMixin, ListView):
    template_name = "programmes/list.html"
    paginate_by = 50

    def get_queryset(self):
        refuse_other_roles(self.request.user, ProgrammeRequest)
        return (
            ProgrammeRequest.objects.visible_to(self.request.user)
            .select_related("centre")
            .prefetch_related(*with_deadlines())
            .order_by("-created_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "promise": sla.promise(RESPOND)}


class ProgrammeRequestCreateView(LoginRequiredMixin, FormView):
    template_name = "programmes/form.html"
    form_class = ProgrammeRequestForm

    def get_form_kwargs(self):
        centres = centres_visible_to(self.request.user).order_by("number")
        if is_staff_user(self.request.user):
            centres = centres.none()
        return {**super().get_form_kwargs(), "centres": centres}

    def get_initial(self):
        return {
            "centre": centres_visible_to(self.request.user)
            .filter(number=self.request.GET.get("centre", "")[:10])
            .first()
        }

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            case = services.request_programmes(
                centre=data["centre"],
                by=self.request.user,
                programmes=data["programmes"],
                reason=data["reason"],
            )
        except PortalError as error:
            error.onto(form)
            return self.form_invalid(form)
        messages.success(self.request, f"Request {case.reference} sent.")
        return redirect(case)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "promise": sla.promise(RESPOND)}

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ProgrammeRequestDetailView(CaseDetailView):
    model = ProgrammeRequest
    template_name = "programmes/detail.html"
    select_related = ("centre", "requested_by", "answered_by")
    action_forms = STEPS.actions()
