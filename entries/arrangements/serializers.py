from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from entries.arrangements.models import AccessArrangement, Appeal, Arrangement, Category
from entries.arrangements.models import SpecialConsideration as Consideration
from entries.arrangements.services import GROUNDS
from entries.models import Series
from portal.cases.api import CaseSerializer, CentreField
from portal.uploads.serializers import AttachmentSerializer

CANDIDATE_NUMBER = r"^[0-9]{4}$"


class AppealSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Appeal
        fields = ["reference", "stage", "status", "created_at", "decided_at", "outcome"]
        read_only_fields = fields


class AccessArrangementSerializer(CaseSerializer):
    series = serializers.SlugRelatedField(slug_field="code", read_only=True)
    candidate_number = serializers.CharField(source="candidate.candidate_number", read_only=True)
    candidate_name = serializers.SerializerMethodField()
    appeals = serializers.SerializerMethodField(help_text="Its appeals, stage 1 first.")
    files = AttachmentSerializer(
        many=True, read_only=True, help_text="The evidence sent with the application."
    )

    class Meta:
        model = AccessArrangement
        fields = [
            *CaseSerializer.Meta.fields,
            "series",
            "candidate_number",
            "candidate_name",
            "arrangement",
            "reason",
            "acknowledged_at",
            "decided_at",
            "decision_note",
            "appeals",
            "files",
        ]
        read_only_fields = fields

    @extend_schema_field(AppealSummarySerializer(many=True))
    def get_appeals(self, case):
        # Sorted here, so that a prefetched list (or none) gives stage 1 first.
        appeals = sorted(case.appeals.all(), key=lambda a: a.stage)
        return AppealSummarySerializer(appeals, many=True, context=self.context).data

    def get_candidate_name(self, case) -> str:
        return f"{case.candidate.forenames} {case.candidate.surname}"


class SpecialConsiderationSerializer(AccessArrangementSerializer):
    syllabus_code = serializers.CharField(source="syllabus.code", read_only=True)

    class Meta:
        model = Consideration
        fields = [
            *CaseSerializer.Meta.fields,
            "series",
            "candidate_number",
            "candidate_name",
            "syllabus_code",
            "category",
            "half_completed",
            "reason",
            "adjustment_percent",
            "decided_at",
            "decision_note",
            "appeals",
            "files",
        ]
        read_only_fields = fields


class AppealSerializer(CaseSerializer):
    against = serializers.SerializerMethodField(help_text="The reference of the case appealed.")

    class Meta:
        model = Appeal
        fields = [
            *CaseSerializer.Meta.fields,
            "against",
            "stage",
            "grounds",
            "outcome",
            "adjustment_percent",
            "decided_at",
        ]
        read_only_fields = fields

    def get_against(self, appeal) -> str:
        return appeal.original.reference


class _ApplicationSerializer(serializers.Serializer):
    centre = CentreField(
        allow_null=True,
        help_text="The centre's number; needed only by staff and officers of several centres.",
    )
    series = serializers.SlugRelatedField(slug_field="code", queryset=Series.objects.all())
    candidate_number = serializers.RegexField(
        CANDIDATE_NUMBER, error_messages={"invalid": "A candidate number is four digits."}
    )
    reason = serializers.CharField(max_length=5000)


class AccessArrangementCreateSerializer(_ApplicationSerializer):
    arrangement = serializers.ChoiceField(choices=Arrangement.choices)


class SpecialConsiderationCreateSerializer(_ApplicationSerializer):
    syllabus_code = serializers.RegexField(
        r"^[0-9]{4}$", error_messages={"invalid": "A syllabus code is four digits, e.g. 0580."}
    )
    category = serializers.ChoiceField(
        choices=Category.choices, default=Category.PRESENT_DISADVANTAGED
    )
    half_completed = serializers.BooleanField(
        default=False,
        help_text="For an absence: the candidate completed at least half of the assessment.",
    )


class GroundsSerializer(serializers.Serializer):
    grounds = GROUNDS.serializer_field()
