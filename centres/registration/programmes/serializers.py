from rest_framework import serializers

from centres.registration.programmes.models import ProgrammeRequest
from portal.cases.api import CaseSerializer
from portal.centres.models import Centre
from portal.centres.programmes import Programme
from portal.permissions import centres_visible_to


class ProgrammeRequestSerializer(CaseSerializer):
    programmes = serializers.ListField(
        child=serializers.ChoiceField(choices=Programme.choices), read_only=True
    )

    class Meta:
        model = ProgrammeRequest
        fields = [*CaseSerializer.Meta.fields, "programmes", "reason", "answer", "answered_at"]
        read_only_fields = fields


class NewProgrammeRequestSerializer(serializers.Serializer):
    centre = serializers.SlugRelatedField(
        slug_field="number",
        queryset=Centre.objects.all(),
        required=False,
        help_text="The centre's number; may be left out by an officer of one centre.",
    )
    programmes = serializers.ListField(
        child=serializers.ChoiceField(choices=Programme.choices), min_length=1, max_length=10
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Another centre's number is refused exactly like a number that does not exist.
            self.fields["centre"].queryset = centres_visible_to(request.user)


class ProgrammeGrantSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)
