from rest_framework import serializers

from centres.forms import time_zone_choices
from portal.centres.models import Centre, Invitation, Membership
from portal.centres.programmes import Programme


class CentreSerializer(serializers.ModelSerializer):
    # A plain string: a centre registered before addresses were asked for has none ("").
    email = serializers.CharField(read_only=True, help_text="The exams office's address.")
    programmes = serializers.ListField(
        child=serializers.ChoiceField(choices=Programme.choices),
        read_only=True,
        help_text="The programmes the centre offers.",
    )

    class Meta:
        model = Centre
        fields = ["number", "name", "country", "timezone", "status", "email", "programmes"]
        read_only_fields = fields


class CentreDetailsSerializer(serializers.Serializer):
    """What a centre's officers change of its details (``PATCH``: any of them)."""

    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(max_length=254, help_text="The exams office's address.")
    timezone = serializers.ChoiceField(
        choices=[name for name, _ in time_zone_choices()],
        help_text="A time zone name such as Europe/London.",
    )


class MemberSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.CharField(source="user.get_full_name", read_only=True)
    email = serializers.CharField(source="user.email", read_only=True)
    joined_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Membership
        fields = ["username", "name", "email", "role", "joined_at"]
        read_only_fields = fields


class InvitationSerializer(serializers.ModelSerializer):
    invited_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "status", "invited_by", "created_at", "expires_at"]
        read_only_fields = fields


class NewInvitationSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(
        choices=Membership.Role.choices, default=Membership.Role.EXAMS_OFFICER
    )
