from rest_framework import serializers

from portal.notifications.kinds import kind_choices
from portal.notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "reference", "code", "subject", "url", "created_at", "read_at"]
        read_only_fields = fields


class KindChoiceField(serializers.ChoiceField):
    """A registered kind of notice; the choices are read when the field is made, so kinds
    that apps register in ``ready`` are all there (and in the schema's enum)."""

    def __init__(self, **kwargs):
        super().__init__(choices=kind_choices(), **kwargs)


class NotificationFilterSerializer(serializers.Serializer):
    """The query string of the list: ``?unread=true`` and ``?kind=``."""

    unread = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Only unread (true) or read."
    )
    kind = KindChoiceField(required=False, help_text="Only notices of this kind.")


class KindSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class PreferencesSerializer(serializers.Serializer):
    """Which kinds of notice also come by email; the inbox always has them all."""

    email_kinds = serializers.ListField(
        child=KindChoiceField(),
        allow_empty=True,
        max_length=100,
        help_text="The kinds sent by email as well as to the inbox.",
    )
    kinds = KindSerializer(many=True, read_only=True, help_text="Every kind there is.")

    def validate_email_kinds(self, value):
        return list(dict.fromkeys(value))
