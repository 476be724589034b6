from rest_framework import mixins, status

from entries.models import Syllabus
from portal.api.router import register
from portal.cases.api import CaseViewSet
from portal.cases.services import applying_centre
from portal.errors import PortalError
from results.enquiries import services
from results.enquiries.models import Enquiry
from results.enquiries.serializers import EnquiryCreateSerializer, EnquirySerializer
from results.enquiries.steps import STEPS


@register("enquiries", basename="enquiry")
@STEPS.api
class EnquiryViewSet(mixins.CreateModelMixin, CaseViewSet):
    """Enquiries about results of the user's centres (staff whose role works with them: all).

    Created only after the series' results are released (before: 400), for an issued result
    the officer can see, by the series' deadline for the service; the fee comes from the
    series' terms and is waived (``fee_waived``) when the outcome changes the grade. Clocks
    ``ear.acknowledge`` and ``ear.outcome``. Filters: ``status``, ``centre``, ``due``,
    ``open``, ``service``, ``series``, ``syllabus_code``.
    """

    model = Enquiry
    serializer_class = EnquirySerializer
    select_related = ("centre", "series", "candidate", "syllabus")
    filters = {"service": "service", "series": "series__code", "syllabus_code": "syllabus__code"}

    def get_serializer_class(self):
        if self.action == "create":
            return EnquiryCreateSerializer
        return super().get_serializer_class()

    def create(self, request, *args, **kwargs):
        data = self.body(EnquiryCreateSerializer)
        centre = applying_centre(request.user, chosen=data.pop("centre", None))
        syllabus = Syllabus.objects.filter(code=data.pop("syllabus_code")).first()
        if syllabus is None:
            raise PortalError("No syllabus has that code.", field="syllabus_code")
        case = services.submit_enquiry(centre=centre, syllabus=syllabus, by=request.user, **data)
        return self.answer(case, status.HTTP_201_CREATED)
