"""The API shapes of centre applications (``/api/v1/centre-applications/``)."""

from rest_framework import serializers

from centres.registration.applications import (
    CHANGE,
    COMMENT_MAX,
    ApplicationRound,
    CentreApplication,
    Judgement,
    SelfAssessment,
    VisitMode,
)
from portal.cases.api import CaseSerializer
from portal.permissions import active_staff
from portal.uploads.serializers import AttachmentSerializer


class AssessmentSerializer(serializers.ModelSerializer):
    evidence = AttachmentSerializer(source="files", many=True, read_only=True)
    judgement = serializers.ChoiceField(choices=Judgement.choices, allow_blank=True)

    class Meta:
        model = SelfAssessment
        fields = ["code", "text", "comment", "evidence", "judgement", "improvement"]
        read_only_fields = fields


class RoundSerializer(serializers.ModelSerializer):
    assessments = AssessmentSerializer(many=True, read_only=True)
    outcome = serializers.ChoiceField(choices=ApplicationRound.Outcome.choices, allow_blank=True)

    class Meta:
        model = ApplicationRound
        fields = ["number", "submitted_at", "outcome", "outcome_note", "decided_at", "assessments"]
        read_only_fields = fields


class CentreApplicationSerializer(CaseSerializer):
    rounds = RoundSerializer(many=True, read_only=True)
    # Blank until the school gives one: a plain string, not a URI that must be valid.
    website = serializers.CharField(read_only=True)
    # The choices are the schedule-visit body's ``mode`` (one enum in the schema); blank
    # until a visit is scheduled.
    visit_mode = serializers.CharField(read_only=True, help_text="remote or on_site")

    class Meta:
        model = CentreApplication
        fields = [
            *CaseSerializer.Meta.fields,
            *CentreApplication.INTEREST_FIELDS,
            *CentreApplication.SCHOOL_FIELDS,
            "fee_amount",
            "fee_currency",
            "submitted_at",
            "visit_date",
            "visit_mode",
            "decided_at",
            "rounds",
        ]
        read_only_fields = fields


class StaffCentreApplicationSerializer(CentreApplicationSerializer):
    visitor = serializers.SlugRelatedField(slug_field="username", read_only=True)
    applicant = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta(CentreApplicationSerializer.Meta):
        fields = [*CentreApplicationSerializer.Meta.fields, "visitor", "applicant"]
        read_only_fields = fields


class ScheduleVisitSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="The day of the visit, in the school's time zone.")
    mode = serializers.ChoiceField(choices=VisitMode.choices)
    visitor = serializers.SlugRelatedField(
        slug_field="username",
        queryset=active_staff(with_perm=CHANGE),
        required=False,
        allow_null=True,
        help_text="A member of the registration team; the caller if not given.",
    )


class JudgementItemSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=8)
    judgement = serializers.ChoiceField(choices=Judgement.choices)
    improvement = serializers.CharField(
        max_length=COMMENT_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text="What the school must do; required when improvement is needed.",
    )


class ApplicationJudgeSerializer(serializers.Serializer):
    judgements = JudgementItemSerializer(many=True, max_length=100)


class ApplicationDecisionSerializer(serializers.Serializer):
    judgements = JudgementItemSerializer(many=True, required=False, default=list, max_length=100)
    note = serializers.CharField(
        max_length=COMMENT_MAX, required=False, allow_blank=True, default=""
    )
