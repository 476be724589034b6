from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from entries.models import Candidate, Entry, EntrySubmission, Series
from entries.uci import LAYOUT_MESSAGE
from portal.api.fields import InstantField
from portal.api.writing import WritesPages
from portal.cases.api import CaseSerializer
from portal.centres.numbers import CENTRE_NUMBER, CENTRE_NUMBER_MESSAGE


class SeriesSerializer(serializers.ModelSerializer):
    class Meta:
        model = Series
        fields = ["code", "name", "entry_deadline", "results_release_at"]


class SeriesField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Series.objects.all())
        kwargs.setdefault("error_messages", {"does_not_exist": "There is no series {value}."})
        super().__init__(slug_field="code", **kwargs)


class CentreNumberField(serializers.RegexField):
    def __init__(self, **kwargs):
        super().__init__(
            CENTRE_NUMBER,
            required=False,
            help_text="Your centre's number; needed only when you are an officer of several.",
            error_messages={"invalid": CENTRE_NUMBER_MESSAGE},
            **kwargs,
        )


class EntrySerializer(WritesPages, serializers.ModelSerializer):
    series = serializers.CharField(source="candidate.series.code", read_only=True)
    centre = serializers.CharField(source="candidate.centre.number", read_only=True)
    candidate_number = serializers.CharField(source="candidate.candidate_number", read_only=True)
    uci = serializers.CharField(source="candidate.uci", read_only=True)
    syllabus_code = serializers.CharField(source="syllabus.code", read_only=True)
    late_fee = serializers.DecimalField(max_digits=8, decimal_places=2, read_only=True)
    created_at = InstantField(read_only=True)

    class Meta:
        model = Entry
        fields = [
            "id",
            "series",
            "centre",
            "candidate_number",
            "uci",
            "syllabus_code",
            "option_code",
            "status",
            "late_fee",
            "created_at",
        ]
        read_only_fields = fields


class EntryCreateSerializer(serializers.Serializer):
    series = SeriesField()
    centre = CentreNumberField()
    candidate_number = serializers.RegexField(
        r"^[0-9]{4}$", error_messages={"invalid": "A candidate number is four digits."}
    )
    syllabus_code = serializers.RegexField(
        r"^[0-9]{4}$", error_messages={"invalid": "A syllabus code is four digits, e.g. 0580."}
    )
    option_code = serializers.RegexField(
        r"^[A-Z0-9]{1,4}$",
        error_messages={"invalid": "An option code is up to four letters or digits."},
    )
    accept_late_fee = serializers.BooleanField(
        default=False,
        help_text="Needed after the final entry deadline, while late entries are taken.",
    )


class AmendSerializer(serializers.Serializer):
    option_code = serializers.RegexField(
        r"^[A-Z0-9]{1,4}$",
        error_messages={"invalid": "An option code is up to four letters or digits."},
    )


class EntryImportSerializer(serializers.Serializer):
    series = SeriesField()
    file = serializers.FileField(
        help_text=(
            "CSV, UTF-8, header candidate_number,surname,forenames,date_of_birth,"
            "syllabus_code,option_code (optionally uci)."
        )
    )
    centre = CentreNumberField()
    accept_late_fee = serializers.BooleanField(default=False)


class ImportCreatedSerializer(serializers.Serializer):
    created = serializers.IntegerField()


class ImportErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    message = serializers.CharField()


@extend_schema_field(
    {
        "oneOf": [
            {
                "type": "array",
                "description": "Every bad row of the file, by line (the header is line 1).",
                "items": {
                    "type": "object",
                    "properties": {"line": {"type": "integer"}, "message": {"type": "string"}},
                    "required": ["line", "message"],
                },
            },
            {
                "type": "object",
                "description": "Messages by field, when the request itself is not valid.",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        ]
    }
)
class ImportErrorsField(serializers.JSONField):
    pass


class ImportErrorsSerializer(serializers.Serializer):
    errors = ImportErrorsField()


class ProposalErrorsSerializer(serializers.Serializer):
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class CandidateSerializer(WritesPages, serializers.ModelSerializer):
    series = serializers.CharField(source="series.code", read_only=True)
    centre = serializers.CharField(source="centre.number", read_only=True)

    class Meta:
        model = Candidate
        fields = [
            "id",
            "series",
            "centre",
            "candidate_number",
            "uci",
            "surname",
            "forenames",
            "date_of_birth",
        ]
        read_only_fields = fields


class CandidateCreateSerializer(serializers.Serializer):
    series = SeriesField()
    centre = CentreNumberField()
    candidate_number = serializers.RegexField(
        r"^[0-9]{4}$",
        required=False,
        help_text="Leave out to take the next free number.",
        error_messages={"invalid": "A candidate number is four digits."},
    )
    surname = serializers.CharField(max_length=100)
    forenames = serializers.CharField(max_length=100)
    date_of_birth = serializers.DateField()
    uci = serializers.RegexField(
        r"^[A-Za-z0-9]{13}$",
        required=False,
        allow_blank=True,
        help_text="A UCI the candidate already has (from any centre); leave out to be given one.",
        error_messages={"invalid": LAYOUT_MESSAGE},
    )


class ProposalQuerySerializer(serializers.Serializer):
    series = SeriesField()
    centre = CentreNumberField()


class ProposalSerializer(serializers.Serializer):
    candidate_number = serializers.CharField()
    uci = serializers.CharField()


class EntrySubmissionSerializer(CaseSerializer):
    series = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = EntrySubmission
        fields = [*CaseSerializer.Meta.fields, "series", "entry_count", "by_deadline"]
        read_only_fields = fields


class SubmitSerializer(serializers.Serializer):
    series = SeriesField()
    centre = CentreNumberField()
