from rest_framework import viewsets

from entries.models import Series
from entries.serializers import SeriesSerializer
from portal.api.router import register


@register("series", basename="series")
class SeriesViewSet(viewsets.ReadOnlyModelViewSet):
    """Exam series, for anyone signed in."""

    serializer_class = SeriesSerializer
    queryset = Series.objects.order_by("-results_release_at")
    lookup_field = "code"
