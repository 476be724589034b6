from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from entries.models import Series, Syllabus
from portal.cases.api import CaseSerializer
from portal.centres.models import Centre
from portal.errors import PortalError
from portal.uploads.serializers import AttachmentSerializer, UploadStartSerializer
from qa import services
from qa.models import GRADES, AdjustedGrade, Grade, QaRequest, QaRound

FOUR_DIGITS = r"^[0-9]{4}$"


class CandidateNumberField(serializers.RegexField):
    def __init__(self, **kwargs):
        super().__init__(
            FOUR_DIGITS,
            error_messages={"invalid": "A candidate number is four digits."},
            **kwargs,
        )


class SyllabusCodeField(serializers.RegexField):
    def __init__(self, **kwargs):
        super().__init__(
            FOUR_DIGITS,
            error_messages={"invalid": "A syllabus code is four digits, e.g. 0580."},
            **kwargs,
        )


class EvidenceFileSerializer(AttachmentSerializer):
    kind = serializers.SerializerMethodField()
    candidate_number = serializers.SerializerMethodField()
    round = serializers.SerializerMethodField()

    class Meta(AttachmentSerializer.Meta):
        fields = [*AttachmentSerializer.Meta.fields, "kind", "candidate_number", "round"]
        read_only_fields = fields

    def get_kind(self, attachment) -> str:
        return attachment.labels.get("kind", "")

    def get_candidate_number(self, attachment) -> str:
        return attachment.labels.get("candidate_number", "")

    def get_round(self, attachment) -> int | None:
        return attachment.labels.get("round")


class SampledSerializer(serializers.Serializer):
    candidate_number = serializers.CharField()
    name = serializers.CharField()
    grade = serializers.CharField(help_text="The centre's latest grade for the syllabus.")
    round = serializers.IntegerField(help_text="The round that asked for this candidate.")
    evidence = serializers.BooleanField(help_text="Their evidence has been uploaded.")
    marks = serializers.BooleanField(help_text="The grades of their pieces have been uploaded.")


class MissingSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[*services.KINDS, "grades"])
    candidate_number = serializers.CharField(allow_blank=True)
    label = serializers.CharField()
    blocking = serializers.BooleanField(help_text="Submitting waits for it.")


class QaRoundSerializer(serializers.ModelSerializer):
    def get_fields(self):
        fields = super().get_fields()
        # Not decided yet is "": the schema must allow it.
        fields["outcome"].allow_blank = True
        for name in QaRound.JUDGEMENT_FIELDS:
            # Plain text, not a second enum beside the one the decision bodies take.
            fields[name] = serializers.CharField(
                read_only=True, help_text='"yes", "no", or "" when not recorded.'
            )
        return fields

    class Meta:
        model = QaRound
        fields = [
            "number",
            "opened_at",
            "submitted_at",
            "decided_at",
            "outcome",
            *QaRound.JUDGEMENT_FIELDS,
            "feedback",
        ]
        read_only_fields = fields


class AdjustedGradeSerializer(serializers.ModelSerializer):
    candidate_number = serializers.CharField(source="candidate.candidate_number")

    class Meta:
        model = AdjustedGrade
        fields = ["candidate_number", "grade", "set_at"]
        read_only_fields = fields


class QaRequestSerializer(CaseSerializer):
    series = serializers.SlugRelatedField(slug_field="code", read_only=True)
    syllabus_code = serializers.CharField(source="syllabus.code", read_only=True)
    candidates = serializers.SerializerMethodField()
    missing = serializers.SerializerMethodField()
    rounds = QaRoundSerializer(many=True, read_only=True)
    final_grades = AdjustedGradeSerializer(source="adjusted", many=True, read_only=True)
    files = EvidenceFileSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        model = QaRequest
        fields = [
            *CaseSerializer.Meta.fields,
            "series",
            "syllabus_code",
            "round",
            "instructions",
            "candidates",
            "missing",
            "rounds",
            "final_grades",
            "files",
        ]
        read_only_fields = fields

    def get_candidates(self, request) -> list[str]:
        return [s.candidate.candidate_number for s in request.sample.all()]

    @extend_schema_field(MissingSerializer(many=True))
    def get_missing(self, request) -> list[dict]:
        return [
            {
                "kind": m.kind,
                "candidate_number": m.candidate_number,
                "label": m.label,
                "blocking": m.blocking,
            }
            for m in services.missing_items(request)
        ]


class QaRequestCreateSerializer(serializers.Serializer):
    centre = serializers.SlugRelatedField(slug_field="number", queryset=Centre.objects.all())
    series = serializers.SlugRelatedField(slug_field="code", queryset=Series.objects.all())
    syllabus_code = serializers.SlugRelatedField(
        slug_field="code", queryset=Syllabus.objects.all(), source="syllabus"
    )
    candidates = serializers.ListField(
        child=CandidateNumberField(),
        required=False,
        max_length=500,
        help_text="Candidate numbers of the sample; none: the proposed spread across grades.",
    )
    instructions = serializers.CharField(required=False, allow_blank=True, max_length=5000)


@extend_schema_field({"type": "string", "pattern": "^(yes|no)$", "description": "yes or no"})
class YesNoField(serializers.ChoiceField):
    """An answer to one of the review's questions (one schema for the three of them)."""

    def __init__(self, **kwargs):
        super().__init__(choices=["yes", "no"], required=False, **kwargs)


class JudgementSerializer(serializers.Serializer):
    """The three questions of the review (seed 004), answered yes or no, and the feedback."""

    process_reasonable = YesNoField(
        help_text="The process followed is reasonable and consistent with our guidance."
    )
    grades_reasonable = YesNoField(
        help_text="The grades given to the pieces of evidence are reasonable for the "
        "performance shown."
    )
    grades_aligned = YesNoField(
        help_text="The grades of the pieces of evidence align with the final grades."
    )
    feedback = serializers.CharField(required=False, allow_blank=True, max_length=10000)


class RequestMoreSerializer(JudgementSerializer):
    candidates = serializers.ListField(child=CandidateNumberField(), required=False, max_length=500)
    syllabus_codes = serializers.ListField(child=SyllabusCodeField(), required=False, max_length=50)


class FinalGradeSerializer(serializers.Serializer):
    candidate_number = CandidateNumberField()
    grade = serializers.ChoiceField(choices=GRADES)


class AdjustSerializer(JudgementSerializer):
    grades = FinalGradeSerializer(many=True, allow_empty=False, max_length=2000)


class GradeSerializer(serializers.ModelSerializer):
    centre = serializers.SlugRelatedField(slug_field="number", read_only=True)
    series = serializers.SlugRelatedField(slug_field="code", read_only=True)
    syllabus_code = serializers.CharField(source="syllabus.code", read_only=True)
    candidate_number = serializers.CharField(source="candidate.candidate_number", read_only=True)

    class Meta:
        model = Grade
        fields = [
            "id",
            "centre",
            "series",
            "syllabus_code",
            "candidate_number",
            "grade",
            "round",
            "submitted_at",
        ]
        read_only_fields = fields


class GradeRowSerializer(serializers.Serializer):
    candidate_number = serializers.CharField(max_length=4, allow_blank=True)
    syllabus_code = serializers.CharField(max_length=4, allow_blank=True)
    grade = serializers.CharField(max_length=2, allow_blank=True)


class GradeCreateSerializer(serializers.Serializer):
    centre = serializers.RegexField(
        r"^[A-Z]{2}[0-9]{3}$",
        required=False,
        help_text="Your centre's number; needed only when you are an officer of several.",
    )
    series = serializers.SlugRelatedField(slug_field="code", queryset=Series.objects.all())
    grades = GradeRowSerializer(
        many=True,
        allow_empty=False,
        max_length=5000,
        help_text="All or none; a refused row is named by its place in the list (from 1).",
    )


class GradeImportSerializer(serializers.Serializer):
    centre = serializers.RegexField(r"^[A-Z]{2}[0-9]{3}$", required=False)
    series = serializers.SlugRelatedField(slug_field="code", queryset=Series.objects.all())
    file = serializers.FileField(
        help_text="CSV with the header candidate_number,syllabus_code,grade."
    )


class CreatedSerializer(serializers.Serializer):
    created = serializers.IntegerField()


class EvidenceUploadStartSerializer(UploadStartSerializer):
    """The start of a resumable upload of evidence: the file, and what it is to the request
    (``kind``; for ``evidence`` and ``marks`` the candidate of the sample it belongs to)."""

    kind = serializers.ChoiceField(choices=list(services.KINDS))
    candidate_number = serializers.CharField(
        max_length=4, required=False, allow_blank=True, default=""
    )

    def validate(self, data):
        try:
            labels = services.evidence_labels(
                self.context["case"], kind=data["kind"], candidate_number=data["candidate_number"]
            )
        except PortalError as error:
            raise serializers.ValidationError(error.as_errors()) from error
        return {"filename": data["filename"], "size": data["size"], **labels}
