"""The pages of certificate despatches: a centre's officers follow when the certificates of
each series go out; the results team records the despatch, or holds it while waiting on
the centre, from the case page."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import ListView

from portal.cases.views import CaseDetailView, refuse_other_roles
from portal.sla import services as sla
from portal.sla.models import with_deadlines
from results.postresults import certificates
from results.postresults.models import CERTIFICATES_CLOCK, CertificateDespatch
from results.postresults.steps import CERTIFICATES


class CertificateDespatchListView(LoginRequiredMixin, ListView):
    template_name = "postresults/certificate_list.html"
    paginate_by = 50

    def get_queryset(self):
        refuse_other_roles(self.request.user, CertificateDespatch)
        return (
            CertificateDespatch.objects.visible_to(self.request.user)
            .select_related("centre", "series")
            .prefetch_related(*with_deadlines())
            .order_by("-series__results_release_at", "centre__number", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["promise"] = sla.promise(CERTIFICATES_CLOCK)
        context["rows"] = [
            (case, certificates.certificate_counts(case)) for case in context["object_list"]
        ]
        return context


class CertificateDespatchDetailView(CaseDetailView):
    model = CertificateDespatch
    template_name = "postresults/certificate_detail.html"
    select_related = ("centre", "series", "handled_by")
    action_forms = CERTIFICATES.actions()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["promise"] = sla.promise(CERTIFICATES_CLOCK)
        context["counts"] = certificates.certificate_counts(self.object)
        return context
