import uuid

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.router import register
from portal.uploads import services
from portal.uploads.downloads import downloadable_or_404, file_response
from portal.uploads.models import Upload
from portal.uploads.serializers import (
    CompleteSerializer,
    PartNumbersSerializer,
    PartUrlsSerializer,
    UploadedFileSerializer,
    UploadSerializer,
    UploadStatusSerializer,
)


class FileDownloadView(APIView):
    """A file of a case the user may see: its bytes, or on S3 a redirect to them."""

    def perform_content_negotiation(self, request, force=False):
        # The answer is bytes whatever the client accepts; errors are JSON. A client that
        # asks for application/octet-stream must not get 406.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="files_retrieve",
        tags=["files"],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, as an attachment."
            ),
            302: OpenApiResponse(description="On S3 storage: a short-lived presigned URL."),
            403: OpenApiResponse(
                description="Withheld: the malware scan found it infected, or could not read "
                "it whole."
            ),
            404: OpenApiResponse(description="No such file, or its case is not yours."),
        },
    )
    def get(self, request, public_id):
        try:
            attachment = downloadable_or_404(request.user, public_id=public_id)
        except DjangoPermissionDenied as refused:
            raise PermissionDenied(str(refused)) from None
        return file_response(attachment)


UUID_PATTERN = "[0-9a-fA-F-]{32,36}"


@register("uploads", basename="upload")
class UploadViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """A resumable upload (the S3 multipart protocol), started by a case type's
    ``…/{reference}/uploads/``: ask where to send parts, see which arrived, complete it into
    a file of the case, or abandon it. Another centre's upload answers 404."""

    permission_classes = [IsAuthenticated]
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    lookup_value_regex = UUID_PATTERN
    serializer_class = UploadSerializer

    def get_queryset(self):
        """The uploads of the cases you see, newest first: those still ``uploading`` are
        the ones a client may resume."""
        if getattr(self, "swagger_fake_view", False):
            return Upload.objects.none()
        uploads = Upload.objects.visible_to(self.request.user).order_by("-started_at", "-pk")
        wanted = self.request.query_params.get("status")
        if wanted:
            if wanted not in Upload.Status.values:
                raise ValidationError(
                    {"status": [f"Choose one of: {', '.join(Upload.Status.values)}."]}
                )
            uploads = uploads.filter(status=wanted)
        return uploads

    def get_object(self):
        try:
            public_id = uuid.UUID(self.kwargs["id"])
        except ValueError:
            raise Http404("No upload matches the given query.") from None
        return Upload.objects.get_visible_or_404(self.request.user, public_id=public_id)

    @extend_schema(
        parameters=[
            OpenApiParameter("status", enum=list(Upload.Status.values), description="Only these.")
        ]
    )
    def list(self, request, *args, **kwargs):
        """Your centres' uploads (``?status=uploading``: those that can be resumed)."""
        return super().list(request, *args, **kwargs)

    @extend_schema(operation_id="uploads_retrieve", responses=UploadStatusSerializer)
    def retrieve(self, request, id=None):
        """The upload's status and the parts that have arrived whole: where to resume."""
        status_ = services.upload_status(self.get_object())
        return Response(UploadStatusSerializer(status_, context={"request": request}).data)

    @extend_schema(operation_id="uploads_destroy", responses={204: None})
    def destroy(self, request, id=None):
        """Abandon the upload: its parts are deleted (409 once complete)."""
        services.abort_upload(self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=PartNumbersSerializer, responses=PartUrlsSerializer)
    @action(detail=True, methods=["post"])
    def parts(self, request, id=None):
        """Where to ``PUT`` each numbered part (self-authorising URLs that expire)."""
        upload = self.get_object()
        body = PartNumbersSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        parts = services.presign_parts(
            upload, numbers=body.validated_data["numbers"], by=request.user, request=request
        )
        return Response({"parts": parts})

    @extend_schema(
        request=CompleteSerializer,
        responses={201: UploadedFileSerializer, 200: UploadedFileSerializer},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, id=None):
        """Put the parts together into a file of the case (201; a repeat answers it again
        with 200). The content must be what its name says (415, and nothing is kept)."""
        upload = self.get_object()
        body = CompleteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        was_complete = upload.status == Upload.Status.COMPLETE
        attachment = services.complete_upload(
            upload, parts=body.validated_data["parts"], by=request.user
        )
        answer = UploadedFileSerializer(attachment, context={"request": request}).data
        return Response(answer, status=status.HTTP_200_OK if was_complete else 201)
