from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from centres.registration.models import QualityStandard, StandardSet
from centres.registration.serializers import (
    QualityStandardFilterSerializer,
    QualityStandardSerializer,
)
from portal.api.router import register


@extend_schema_view(list=extend_schema(parameters=[QualityStandardFilterSerializer]))
@register("quality-standards", basename="quality-standard")
class QualityStandardViewSet(viewsets.ReadOnlyModelViewSet):
    """The registration quality standards, for anyone signed in: the published set of the
    latest year (or of ``?year=`` in the list), ordered by area then number. The detail is
    by code within the latest published set."""

    serializer_class = QualityStandardSerializer
    lookup_field = "code"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            # The schema is drawn without a request to filter by.
            return QualityStandard.objects.none()
        standards = QualityStandard.objects.select_related("standard_set")
        if self.action != "list":
            return standards.of_set(StandardSet.objects.current())
        given = QualityStandardFilterSerializer(data=self.request.query_params)
        given.is_valid(raise_exception=True)
        if year := given.validated_data.get("year"):
            standards = standards.filter(standard_set__year=year, standard_set__published=True)
        else:
            standards = standards.of_set(StandardSet.objects.current())
        if given.validated_data["online_only"] is not None:
            standards = standards.filter(online_only=given.validated_data["online_only"])
        return standards


# --- Centre applications (registration/api_applications.py) --------------------------------
from centres.registration import api_applications  # noqa: E402, F401 - registers its viewset

# Requests to offer additional programmes (registration.programmes).
from centres.registration.programmes.api import ProgrammeRequestViewSet  # noqa: E402

register("programme-requests", basename="programme-request")(ProgrammeRequestViewSet)
