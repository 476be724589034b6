"""The pages of publication orders: the centre's orders, the order form with the catalogue,
and a page per order where staff record the despatch."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.views.generic import ListView

from centres.publications import services
from centres.publications.forms import OrderForm
from centres.publications.models import PublicationOrder
from centres.publications.steps import STEPS
from portal.cases.views import (
    CaseCreateView,
    CaseDetailView,
    refuse_other_roles,
)
from portal.permissions import is_staff_user
from portal.sla.models import with_deadlines


class OrdersView(LoginRequiredMixin, ListView):
    template_name = "publications/list.html"
    context_object_name = "orders"
    paginate_by = 25

    def get(self, request, *args, **kwargs):
        refuse_other_roles(request.user, PublicationOrder)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return (
            PublicationOrder.objects.visible_to(self.request.user)
            .select_related("centre", "publication")
            .prefetch_related(*with_deadlines())
            .order_by("-created_at", "-pk")
        )


class OrderCreateView(CaseCreateView):
    noun = "Order"
    template_name = "publications/form.html"
    form_class = OrderForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and is_staff_user(request.user):
            return redirect("publications:list")
        return super().dispatch(request, *args, **kwargs)

    def open_case(self, **data):
        return services.order_publication(**data)


class OrderDetailView(CaseDetailView):
    model = PublicationOrder
    template_name = "publications/detail.html"
    select_related: tuple[str, ...] = ("centre", "publication")
    action_forms = STEPS.actions()
