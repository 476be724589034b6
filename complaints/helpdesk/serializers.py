from rest_framework import serializers

from complaints.helpdesk.models import Query
from complaints.helpdesk.services import BODY, CANDIDATE_NUMBER, RESPONSE, SUBJECT, SYLLABUS_CODE
from complaints.models import Category
from portal.accounts.roles import ROLE_CHOICES
from portal.cases.api import CaseSerializer
from portal.centres.models import Centre
from portal.permissions import centres_visible_to


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


class QueryCreateSerializer(serializers.Serializer):
    centre = serializers.SlugRelatedField(
        slug_field="number",
        queryset=Centre.objects.all(),
        required=False,
        allow_null=True,
        help_text="The centre's number: needed by staff asking on a centre's behalf, and by "
        "officers of several centres.",
    )
    subject = SUBJECT.serializer_field()
    body = BODY.serializer_field()
    syllabus_code = SYLLABUS_CODE.serializer_field()
    candidate_number = CANDIDATE_NUMBER.serializer_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Another centre's number is refused exactly like a number that does not exist.
            self.fields["centre"].queryset = centres_visible_to(request.user)


class QueryAnswerSerializer(serializers.Serializer):
    response = RESPONSE.serializer_field()


class QueryReferSerializer(serializers.Serializer):
    role = serializers.ChoiceField(
        choices=ROLE_CHOICES, help_text="The staff role whose queue the query goes to."
    )


class QueryComplaintSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices)
    formal = serializers.BooleanField(
        default=True, help_text="False: an expression of dissatisfaction, not a formal complaint."
    )
