from rest_framework import serializers

from results.models import Result

API_FIELDS = [
    "id",
    "series",
    "centre",
    "candidate_number",
    "uci",
    "syllabus_code",
    "grade",
    "status",
    "component_marks",
    "amended_at",
]


def for_api(row: dict) -> dict:
    return {name: row[name] for name in API_FIELDS}


class ResultSerializer(serializers.Serializer):
    """A row of ``results.queries`` as the contract gives it (``for_api`` makes the body)."""

    id = serializers.IntegerField(read_only=True)
    series = serializers.CharField(read_only=True, help_text="The series code, e.g. J26.")
    centre = serializers.CharField(read_only=True, help_text="The centre number.")
    candidate_number = serializers.CharField(read_only=True)
    uci = serializers.CharField(read_only=True, allow_blank=True)
    syllabus_code = serializers.CharField(read_only=True)
    grade = serializers.CharField(
        read_only=True, allow_null=True, help_text="Null unless the status is issued."
    )
    status = serializers.ChoiceField(choices=Result.Status.choices, read_only=True)
    component_marks = serializers.DictField(
        child=serializers.IntegerField(), read_only=True, help_text="Marks by component code."
    )
    amended_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When the result last changed after release."
    )


class ResultFilters(serializers.Serializer):
    series = serializers.CharField(required=False, max_length=10)
    centre = serializers.CharField(required=False, max_length=10)
    syllabus_code = serializers.CharField(required=False, max_length=8)
    candidate_number = serializers.CharField(required=False, max_length=4)
    uci = serializers.CharField(required=False, max_length=13)
    status = serializers.ChoiceField(choices=Result.Status.choices, required=False)
    grade = serializers.CharField(required=False, max_length=2)


class ResultImportSerializer(serializers.Serializer):
    series = serializers.CharField(max_length=10)
    file = serializers.FileField()


class ResultsImportedSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()


class ResultReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ResultGradeSerializer(serializers.Serializer):
    grade = serializers.CharField(max_length=2)
    reason = serializers.CharField(max_length=300, required=False, default="")


class ResultGradeChangeSerializer(serializers.Serializer):
    grade = serializers.CharField(max_length=2)
    reason = serializers.CharField(max_length=300)
