from rest_framework import serializers

from entries.models import Series
from portal.cases.api import CaseSerializer, CentreField
from results.enquiries.models import Enquiry, Service


class EnquirySerializer(CaseSerializer):
    series = serializers.SlugRelatedField(slug_field="code", read_only=True)
    candidate_number = serializers.CharField(source="candidate.candidate_number", read_only=True)
    syllabus_code = serializers.CharField(source="syllabus.code", read_only=True)

    class Meta:
        model = Enquiry
        fields = [
            *CaseSerializer.Meta.fields,
            "series",
            "candidate_number",
            "syllabus_code",
            "service",
            "fee",
            "currency",
            "fee_waived",
            "grade_before",
            "grade_after",
            "outcome_note",
            "acknowledged_at",
            "decided_at",
            "appeal_grounds",
            "appealed_at",
            "appeal_note",
            "appeal_decided_at",
        ]
        read_only_fields = fields


class EnquiryCreateSerializer(serializers.Serializer):
    centre = CentreField(
        allow_null=True,
        help_text="The centre's number; needed only by staff and officers of several centres.",
    )
    series = serializers.SlugRelatedField(slug_field="code", queryset=Series.objects.all())
    candidate_number = serializers.RegexField(
        r"^[0-9]{4}$", error_messages={"invalid": "A candidate number is four digits."}
    )
    syllabus_code = serializers.RegexField(
        r"^[0-9]{4}$", error_messages={"invalid": "A syllabus code is four digits, e.g. 0580."}
    )
    service = serializers.ChoiceField(choices=Service.choices)
