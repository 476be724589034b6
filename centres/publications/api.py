from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets

from centres.publications import services
from centres.publications.models import Publication, PublicationOrder
from centres.publications.serializers import (
    PublicationOrderCreateSerializer,
    PublicationOrderSerializer,
    PublicationSerializer,
)
from centres.publications.steps import STEPS
from portal.api.router import register
from portal.cases.api import CaseViewSet
from portal.cases.services import applying_centre
from portal.permissions import is_staff_user


@register("publications", basename="publication")
class PublicationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The catalogue centres order from: each item's code, title and whether it is in stock
    (an item in stock is despatched within five working days)."""

    serializer_class = PublicationSerializer
    queryset = Publication.objects.listed().order_by("title", "pk")


@register("publication-orders", basename="publication-order")
@STEPS.api
class PublicationOrderViewSet(mixins.CreateModelMixin, CaseViewSet):
    """Publication orders of the user's centres (staff whose role works with them: all).

    An officer orders with ``publication`` (its code) and ``copies``; clock
    ``publications.order`` starts when the item is in stock; ``despatch`` (staff) stops it.
    Filters: ``status``, ``centre``, ``due``, ``open``.
    """

    model = PublicationOrder  # type: ignore[assignment]  # the base names none
    serializer_class = PublicationOrderSerializer
    select_related = ("centre", "publication")

    def get_serializer_class(self):
        if self.action == "create":
            return PublicationOrderCreateSerializer
        return super().get_serializer_class()

    @extend_schema(
        request=PublicationOrderCreateSerializer, responses={201: PublicationOrderSerializer}
    )
    def create(self, request, *args, **kwargs):
        if is_staff_user(request.user):
            raise PermissionDenied("Publications are ordered by a centre's exams officers.")
        data = self.body(PublicationOrderCreateSerializer)
        centre = applying_centre(request.user, chosen=data.pop("centre", None))
        case = services.order_publication(centre=centre, by=request.user, **data)
        return self.answer(case, status.HTTP_201_CREATED)
