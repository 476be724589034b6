from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request

from portal.uploads.models import Attachment, Upload


class AttachmentSerializer(serializers.ModelSerializer):
    """A case's file, for the case's serializer to include:
    ``files = AttachmentSerializer(many=True, read_only=True)``."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "sha256", "uploaded_at", "scan",
                  "scan_detail", "url"]  # fmt: skip
        read_only_fields = fields

    def get_url(self, attachment) -> str:
        # A token client cannot follow the page URL (it answers with the sign-in page).
        request = self.context.get("request")
        if isinstance(request, Request):
            return request.build_absolute_uri(attachment.get_api_url())
        path = attachment.get_absolute_url()
        return request.build_absolute_uri(path) if request is not None else path


# --- Resumable uploads ---------------------------------------------------------------------

MAX_PARTS = 10_000
# 5 TiB: S3's own largest object; policies refuse far less, with a 413 that says so.
MAX_ANNOUNCED = 5 * 1024**4


class UploadStartSerializer(serializers.Serializer):
    """What a case type's start endpoint reads; extend it with the case type's own labels
    (``kind``, ``candidate_number`` …), validated against the case (``context["case"]``)."""

    filename = serializers.CharField(max_length=1000, trim_whitespace=False)
    size = serializers.IntegerField(min_value=1, max_value=MAX_ANNOUNCED)


class UploadStartedSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    part_size = serializers.IntegerField(read_only=True)
    status = serializers.CharField(read_only=True)


class PartNumbersSerializer(serializers.Serializer):
    numbers = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_PARTS),
        min_length=1,
        max_length=MAX_PARTS,
    )


class PartUrlSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    url = serializers.URLField(help_text="PUT the part's bytes here, with no Authorization.")


class PartUrlsSerializer(serializers.Serializer):
    parts = PartUrlSerializer(many=True)


class ReceivedPartSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    size = serializers.IntegerField()
    etag = serializers.CharField()


class DuplicateSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    filename = serializers.CharField(source="name")
    uploaded_at = serializers.DateTimeField()


class UploadedFileSerializer(serializers.ModelSerializer):
    """A file that came in parts, as ``…/complete/`` answers it."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    filename = serializers.CharField(source="name", read_only=True)
    duplicate_of = serializers.SerializerMethodField(
        help_text="The case's earlier file with the same bytes (same SHA-256), if any."
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "filename",
            "size",
            "sha256",
            "content_type",
            "scan",
            "scan_detail",
            "labels",
            "uploaded_at",
            "duplicate_of",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(DuplicateSerializer(allow_null=True))
    def get_duplicate_of(self, attachment):
        from portal.uploads.services import duplicates_of

        first = duplicates_of(attachment).first()
        return DuplicateSerializer(first).data if first is not None else None

    def get_url(self, attachment) -> str:
        request = self.context.get("request")
        path = attachment.get_api_url()
        return request.build_absolute_uri(path) if request is not None else path


class UploadSerializer(serializers.ModelSerializer):
    """An upload in a list: what it is, and whether it can still be resumed."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    case = serializers.SerializerMethodField()
    file = serializers.UUIDField(source="attachment.public_id", read_only=True, allow_null=True)

    class Meta:
        model = Upload
        fields = ["id", "case", "filename", "size", "part_size", "status", "labels",
                  "started_at", "finished_at", "file"]  # fmt: skip
        read_only_fields = fields

    def get_case(self, upload) -> str:
        return getattr(upload.case, "reference", "")


class UploadStatusSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=["uploading", "complete", "aborted"])
    filename = serializers.CharField()
    size = serializers.IntegerField()
    part_size = serializers.IntegerField()
    parts = ReceivedPartSerializer(many=True, help_text="The parts that have arrived whole.")
    file = UploadedFileSerializer(allow_null=True, help_text="Once complete: the file.")


class PartEtagSerializer(serializers.Serializer):
    number = serializers.IntegerField(min_value=1, max_value=MAX_PARTS)
    etag = serializers.CharField(max_length=200)


class CompleteSerializer(serializers.Serializer):
    parts = serializers.ListField(child=PartEtagSerializer(), min_length=1, max_length=MAX_PARTS)
