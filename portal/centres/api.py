from rest_framework import viewsets

from portal.api.router import register
from portal.centres.models import Centre
from portal.centres.serializers import CentreSerializer


@register("centres", basename="centre")
class CentreViewSet(viewsets.ReadOnlyModelViewSet):
    """Centres: an exams officer sees their own, staff see all."""

    serializer_class = CentreSerializer
    lookup_field = "number"

    def get_queryset(self):
        return Centre.objects.visible_to(self.request.user).order_by("number")
