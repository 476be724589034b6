from rest_framework import serializers

from complaints.helpdesk.models import Query
from portal.cases.api import CaseSerializer


class QuerySerializer(CaseSerializer):
    syllabus_code: serializers.SlugRelatedField = serializers.SlugRelatedField(
        source="syllabus", slug_field="code", read_only=True, allow_null=True
    )
    candidate_number: serializers.SlugRelatedField = serializers.SlugRelatedField(
        source="candidate", slug_field="candidate_number", read_only=True, allow_null=True
    )
    complaint: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="reference",
        read_only=True,
        allow_null=True,
        help_text="The complaint the query was taken as.",
    )

    class Meta:
        model = Query
        fields = [
            *CaseSerializer.Meta.fields,
            "subject",
            "body",
            "syllabus_code",
            "candidate_number",
            "referred_to",
            "response",
            "answered_at",
            "complaint",
        ]
        read_only_fields = fields
