from rest_framework import serializers

from centres.publications.models import MOST_COPIES, Publication, PublicationOrder
from portal.cases.api import CaseSerializer, CentreField


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
    centre = CentreField(
        allow_null=True,
        help_text="The centre's number: needed by officers of several centres.",
    )
    publication = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Publication.objects.listed(),
        help_text="The catalogue's code of the item (GET /api/v1/publications/).",
    )
    copies = serializers.IntegerField(min_value=1, max_value=MOST_COPIES, default=1)
