from rest_framework import serializers
from rest_framework.request import Request

from portal.uploads.models import Attachment


class AttachmentSerializer(serializers.ModelSerializer):
    """A case's file, for the case's serializer to include:
    ``files = AttachmentSerializer(many=True, read_only=True)``."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "sha256", "uploaded_at", "url"]
        read_only_fields = fields

    def get_url(self, attachment) -> str:
        # A token client cannot follow the page URL (it answers with the sign-in page).
        request = self.context.get("request")
        if isinstance(request, Request):
            return request.build_absolute_uri(attachment.get_api_url())
        path = attachment.get_absolute_url()
        return request.build_absolute_uri(path) if request is not None else path
