from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.views import APIView

from portal.uploads.downloads import file_response
from portal.uploads.models import Attachment


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
            404: OpenApiResponse(description="No such file, or its case is not yours."),
        },
    )
    def get(self, request, public_id):
        attachment = Attachment.objects.get_visible_or_404(request.user, public_id=public_id)
        return file_response(attachment)
