"""The pages of enquiries about results: the centre's list with the services' fees and
deadlines, a form to ask (from a result, or by candidate and syllabus), and a page per case."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import FormView

from portal.cases.services import applying_centre
from portal.cases.views import CaseDetailView, CaseListView, refuse_other_roles
from portal.errors import PortalError
from portal.permissions import centres_visible_to
from results.enquiries import services
from results.enquiries.forms import EnquiryForm
from results.enquiries.models import Enquiry, ServiceTerms
from results.enquiries.steps import STEPS
from results.models import Result


def open_terms():
    """The services still open to enquiries, with their fees and deadlines."""
    now = timezone.now()
    return (
        ServiceTerms.objects.filter(closes_at__gte=now, series__results_release_at__lte=now)
        .select_related("series")
        .order_by("series__code", "closes_at")
    )


class EnquiriesView(CaseListView):
    model = Enquiry
    template_name = "enquiries/list.html"
    context_object_name = "enquiries"
    select_related = ("centre", "series", "candidate", "syllabus")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "terms": open_terms()}


class EnquiryCreateView(LoginRequiredMixin, FormView):
    template_name = "enquiries/form.html"
    form_class = EnquiryForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            refuse_other_roles(request.user, Enquiry)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        # From a result's row: ?result=<id> fills in what the officer would type.
        result = (
            Result.objects.visible_to(self.request.user)
            .select_related("candidate")
            .filter(pk=self.request.GET.get("result") or 0)
            .first()
            if (self.request.GET.get("result") or "").isdigit()
            else None
        )
        if result is None:
            return {}
        return {
            "centre": result.centre_id,
            "series": result.series_id,
            "candidate_number": result.candidate.candidate_number,
            "syllabus": result.syllabus_id,
        }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "centres": centres_visible_to(self.request.user)}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "terms": open_terms()}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        try:
            centre = applying_centre(self.request.user, chosen=data.pop("centre"))
            case = services.submit_enquiry(centre=centre, by=self.request.user, **data)
        except PortalError as error:
            error.onto(form)
            return self.form_invalid(form)
        messages.success(self.request, f"Enquiry {case.reference} received.")
        return redirect(case)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class EnquiryDetailView(CaseDetailView):
    model = Enquiry
    template_name = "enquiries/detail.html"
    select_related = ("centre", "series", "candidate", "syllabus", "result")
    action_forms = STEPS.actions()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        closes = services.appeal_closes_at(self.object)
        context.update(
            appeal_closes_at=closes,
            appeal_open=closes is not None and timezone.now() <= closes,
        )
        return context
