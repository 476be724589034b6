from rest_framework import serializers

from entries.models import Series
from portal.cases.api import CaseSerializer, CentreField
from results.postresults.models import (
    OFFICER_SERVICES,
    CertificateDespatch,
    Service,
    ServiceRequest,
)


class ServiceRequestSerializer(CaseSerializer):
    series = serializers.SlugRelatedField(slug_field="code", read_only=True)
    # Blank for every service but results to an institution: not an email format then.
    recipient_email = serializers.CharField(
        read_only=True, help_text="Where the results went; blank for other services."
    )

    class Meta:
        model = ServiceRequest
        fields = [
            *CaseSerializer.Meta.fields,
            "service",
            "series",
            "candidate_number",
            "candidate_name",
            "recipient_name",
            "recipient_email",
            "details",
            "despatched_at",
            "decline_reason",
        ]
        read_only_fields = fields


class NewServiceRequestSerializer(serializers.Serializer):
    centre = CentreField(
        help_text="The centre's number; may be left out by an officer of one centre.",
    )
    service = serializers.ChoiceField(
        choices=[(s.value, s.label) for s in Service if s in OFFICER_SERVICES]
    )
    series = serializers.SlugRelatedField(slug_field="code", queryset=Series.objects.all())
    candidate_number = serializers.RegexField(
        r"^[0-9]{4}$", error_messages={"invalid": "A candidate number is four digits."}
    )
    recipient_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    recipient_email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    details = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class CertificateDespatchSerializer(CaseSerializer):
    series = serializers.SlugRelatedField(slug_field="code", read_only=True)
    results_released_at = serializers.DateTimeField(
        source="series.results_release_at",
        read_only=True,
        help_text="The series' release instant: the clock runs from it.",
    )

    class Meta:
        model = CertificateDespatch
        fields = [
            *CaseSerializer.Meta.fields,
            "series",
            "results_released_at",
            "candidates_covered",
            "candidates_held",
            "counted_at",
            "hold_reason",
            "courier",
            "tracking_reference",
            "despatched_on",
            "despatched_at",
        ]
        read_only_fields = fields
