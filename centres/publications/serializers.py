from rest_framework import serializers

from centres.publications.models import MOST_COPIES, Publication, PublicationOrder
from portal.cases.api import CaseSerializer
from portal.centres.models import Centre
from portal.permissions import centres_visible_to


class PublicationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Publication
        fields = ["code", "title", "in_stock"]
        read_only_fields = fields


class PublicationOrderSerializer(CaseSerializer):
    publication: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = PublicationOrder
        fields = [
            *CaseSerializer.Meta.fields,
            "publication",
            "copies",
            "in_stock",
            "despatched_at",
        ]
        read_only_fields = fields


class PublicationOrderCreateSerializer(serializers.Serializer):
    centre = serializers.SlugRelatedField(
        slug_field="number",
        queryset=Centre.objects.all(),
        required=False,
        allow_null=True,
        help_text="The centre's number: needed by officers of several centres.",
    )
    publication = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Publication.objects.listed(),
        help_text="The catalogue's code of the item (GET /api/v1/publications/).",
    )
    copies = serializers.IntegerField(min_value=1, max_value=MOST_COPIES, default=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Another centre's number is refused exactly like a number that does not exist.
            self.fields["centre"].queryset = centres_visible_to(request.user)
