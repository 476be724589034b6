from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status

from portal.api.router import register
from portal.cases.api import CaseViewSet
from portal.cases.services import applying_centre
from results.postresults import services
from results.postresults.models import CertificateDespatch, ServiceRequest
from results.postresults.serializers import (
    CertificateDespatchSerializer,
    NewServiceRequestSerializer,
    ServiceRequestSerializer,
)
from results.postresults.steps import CERTIFICATES, REQUEST


@register("service-requests", basename="service-request")
@REQUEST.api
class ServiceRequestViewSet(mixins.CreateModelMixin, CaseViewSet):
    """Post-results service requests of the user's centres (the results team: all, with
    learners' certifying statements). An officer asks (``POST``) for ``paper_copies``,
    ``replacement_certificate`` or ``results_to_institution`` (with ``recipient_name`` and
    ``recipient_email``: sent at the series' release instant, or at once when results are
    out) and may withdraw while it waits; the results team despatches or declines.
    Filters: ``status``, ``centre``, ``due``, ``open``, ``service``, ``series``."""

    model = ServiceRequest
    serializer_class = ServiceRequestSerializer
    select_related = ("centre", "series")
    filters = {"service": "service", "series": "series__code"}

    def get_serializer_class(self):
        if self.action == "create":
            return NewServiceRequestSerializer
        return super().get_serializer_class()

    @extend_schema(request=NewServiceRequestSerializer, responses={201: ServiceRequestSerializer})
    def create(self, request, *args, **kwargs):
        body = self.body(NewServiceRequestSerializer)
        centre = applying_centre(request.user, chosen=body.pop("centre", None))
        case = services.request_service(centre=centre, by=request.user, **body)
        return self.answer(case, status.HTTP_201_CREATED)


@register("certificate-despatches", basename="certificate-despatch")
@CERTIFICATES.api
class CertificateDespatchViewSet(CaseViewSet):
    """The despatch of certificates of the user's centres, one per centre and series, opened
    by the portal at the series' release instant for every centre with issued results
    (clock ``certificates.despatch`` from that instant). ``candidates_covered`` counts the
    candidates with issued results; ``candidates_held`` those with results held by QA or
    withheld, not certificated yet. Officers read; the results team records the despatch,
    or holds it while waiting on the centre (the clock pauses) and ends the hold.
    Filters: ``status``, ``centre``, ``due``, ``open``, ``series``."""

    model = CertificateDespatch
    serializer_class = CertificateDespatchSerializer
    select_related = ("centre", "series")
    filters = {"series": "series__code"}
