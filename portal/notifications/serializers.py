from rest_framework import serializers

from portal.notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "reference", "code", "subject", "url", "created_at", "read_at"]
        read_only_fields = fields


class NotificationFilterSerializer(serializers.Serializer):
    """The query string of the list: ``?unread=true`` and ``?kind=``."""

    unread = serializers.BooleanField(required=False, allow_null=True, default=None)
    kind = serializers.ChoiceField(choices=Notification.Kind.choices, required=False)
