from rest_framework import serializers

from entries.models import Series
from portal.cases.api import CaseSerializer
from portal.centres.models import Centre
from portal.permissions import centres_visible_to
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
    centre = serializers.SlugRelatedField(
        slug_field="number",
        queryset=Centre.objects.all(),
        required=False,
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Another centre's number is refused exactly like a number that does not exist.
            self.fields["centre"].queryset = centres_visible_to(request.user)


class EnquiryOutcomeSerializer(serializers.Serializer):
    grade = serializers.CharField(max_length=2, help_text="The grade after the enquiry.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class EnquiryAppealSerializer(serializers.Serializer):
    grounds = serializers.CharField(max_length=5000)


class EnquiryAppealDecisionSerializer(serializers.Serializer):
    grade = serializers.CharField(max_length=2, help_text="The grade the appeal gives.")
    note = serializers.CharField(max_length=5000)
