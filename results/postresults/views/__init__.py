"""The post-results pages: exams officers ask for paper copies, replacement certificates and
results sent to a university or employer, and follow them; learners apply for a certifying
statement without an account; the results team works each request from its page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import FormView

from portal.cases.views import CaseDetailView, CaseListView
from portal.errors import PortalError
from portal.net import over_public_limit
from portal.permissions import centres_visible_to, is_staff_user
from portal.sla import services as sla
from results.postresults import services
from results.postresults.forms import (
    CertifyingStatementForm,
    ServiceRequestForm,
)
from results.postresults.models import CLOCKS, Service, ServiceRequest
from results.postresults.steps import REQUEST

SESSION_KEY = "postresults_public_reference"


def _promises() -> list[tuple[str, str]]:
    return [(Service(s).label, sla.promise(code)) for s, code in CLOCKS.items()]


class ServiceRequestListView(CaseListView):
    model = ServiceRequest
    template_name = "postresults/list.html"
    select_related = ("centre", "series")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "promises": _promises()}


class ServiceRequestCreateView(LoginRequiredMixin, FormView):
    template_name = "postresults/form.html"
    form_class = ServiceRequestForm

    def get_form_kwargs(self):
        centres = centres_visible_to(self.request.user).order_by("number")
        if is_staff_user(self.request.user):
            centres = centres.none()
        return {**super().get_form_kwargs(), "centres": centres}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        try:
            case = services.request_service(by=self.request.user, **data)
        except PortalError as error:
            error.onto(form)
            return self.form_invalid(form)
        if case.status == ServiceRequest.Status.SENT:
            messages.success(self.request, f"{case.reference}: the results were sent.")
        else:
            messages.success(self.request, f"Request {case.reference} sent.")
        return redirect(case)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "promises": _promises()}


@method_decorator(never_cache, name="dispatch")
class CertifyingStatementView(FormView):
    template_name = "postresults/public_form.html"
    form_class = CertifyingStatementForm
    # What a link may fill in beforehand (a learner's page links here with theirs).
    PREFILLED = ("name", "email", "uci", "centre_number", "candidate_number")

    def get_initial(self):
        given = {name: self.request.GET.get(name, "")[:200] for name in self.PREFILLED}
        return {**super().get_initial(), **{k: v for k, v in given.items() if v}}

    def post(self, request, *args, **kwargs):
        limited = over_public_limit(
            request,
            scope="postresults:public",
            email=request.POST.get("email", ""),
            limit=settings.COMPLAINT_PUBLIC_LIMIT_PER_HOUR,
        )
        if limited:
            return render(request, "postresults/public_limited.html", status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        if data.pop("website"):
            form.add_error(None, "We could not accept this form. Please try again.")
            return self.form_invalid(form)
        try:
            case = services.apply_for_certifying_statement(**data)
        except PortalError as error:
            error.onto(form)
            return self.form_invalid(form)
        self.request.session[SESSION_KEY] = case.reference
        return HttpResponseRedirect(reverse("postresults:public_sent"))

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        promise = sla.promise(CLOCKS[Service.CERTIFYING_STATEMENT])
        return {**super().get_context_data(**kwargs), "promise": promise}


@never_cache
def public_sent(request):
    reference = request.session.get(SESSION_KEY)
    case = ServiceRequest.objects.filter(reference=reference).first() if reference else None
    if case is None:
        return redirect("postresults:public")
    context = {"case": case, "promise": sla.promise(case.clock_code)}
    return render(request, "postresults/public_sent.html", context)


class ServiceRequestDetailView(CaseDetailView):
    model = ServiceRequest
    template_name = "postresults/detail.html"
    select_related = ("centre", "series", "requested_by", "handled_by")
    action_forms = REQUEST.actions()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["released"] = self.object.series.results_release_at <= timezone.now()
        return context
