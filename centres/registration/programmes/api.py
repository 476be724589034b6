from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status

from centres.registration.programmes import services
from centres.registration.programmes.models import ProgrammeRequest
from centres.registration.programmes.serializers import (
    NewProgrammeRequestSerializer,
    ProgrammeRequestSerializer,
)
from centres.registration.programmes.steps import STEPS
from portal.cases.api import CaseViewSet
from portal.errors import PortalError
from portal.permissions import centres_visible_to


@STEPS.api
class ProgrammeRequestViewSet(mixins.CreateModelMixin, CaseViewSet):
    """Requests to offer additional programmes: a centre's officers ask (``POST``) and may
    withdraw while it waits; the registration team grants or declines, within
    ``programmes.respond``. Granting adds the programmes to the centre's."""

    model = ProgrammeRequest
    serializer_class = ProgrammeRequestSerializer

    def get_serializer_class(self):
        if self.action == "create":
            return NewProgrammeRequestSerializer
        return super().get_serializer_class()

    @extend_schema(
        request=NewProgrammeRequestSerializer, responses={201: ProgrammeRequestSerializer}
    )
    def create(self, request, *args, **kwargs):
        body = self.body(NewProgrammeRequestSerializer)
        centre = body.get("centre")
        if centre is None:
            centres = list(centres_visible_to(request.user)[:2])
            if len(centres) != 1:
                raise PortalError("Say which of your centres this is for.", field="centre")
            centre = centres[0]
        case = services.request_programmes(
            centre=centre,
            by=request.user,
            programmes=body["programmes"],
            reason=body.get("reason", ""),
        )
        return self.answer(case, status.HTTP_201_CREATED)
