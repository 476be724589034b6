from rest_framework import serializers

from centres.registration.programmes.models import ProgrammeRequest
from centres.registration.programmes.services import PLANS
from portal.cases.api import CaseSerializer, CentreField
from portal.centres.programmes import Programme


class ProgrammeRequestSerializer(CaseSerializer):
    programmes = serializers.ListField(
        child=serializers.ChoiceField(choices=Programme.choices), read_only=True
    )

    class Meta:
        model = ProgrammeRequest
        fields = [*CaseSerializer.Meta.fields, "programmes", "reason", "answer", "answered_at"]
        read_only_fields = fields


class NewProgrammeRequestSerializer(serializers.Serializer):
    centre = CentreField(
        help_text="The centre's number; may be left out by an officer of one centre.",
    )
    programmes = serializers.ListField(
        child=serializers.ChoiceField(choices=Programme.choices), min_length=1, max_length=10
    )
    reason = PLANS.serializer_field()
