"""Serving an attachment so that no browser ever renders it.

From the portal's own storage the bytes go out as ``application/octet-stream``, as an
attachment, with ``nosniff``: an HTML page or an SVG uploaded as evidence cannot run in the
portal's origin. On S3 the answer is a redirect to a presigned URL valid for
``UPLOADS_URL_EXPIRE_SECONDS``, which asks S3 for the same content type, disposition and
caching: files of several gigabytes then never pass through (and never tie up) a web
worker, and the bucket is another origin, so the file cannot script the portal either.
The permission check is the same in both cases and happens before the URL is made.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

from portal.uploads.models import Attachment

NO_STORE = "private, no-store"
QUARANTINED = (
    "This file was found to contain malware and is quarantined: only the security team can "
    "download it."
)


NOT_SCANNED_WHOLE = (
    "This file could not be scanned whole for malware and is withheld: only the security "
    "team can download it."
)


class Quarantined(PermissionDenied):
    """The file is not delivered (found infected, or not scanned whole): the page that
    refuses it says why (not a bare 403)."""

    def __init__(self, attachment: Attachment):
        super().__init__(QUARANTINED if attachment.quarantined else NOT_SCANNED_WHOLE)
        self.attachment = attachment


def downloadable_or_404(user, *, public_id) -> Attachment:
    """The attachment ``user`` may download: one of a case they see (404 otherwise), unless
    it is not delivered (403: the malware scan found it infected, or could not read it
    whole), which only the security team may fetch, from any case."""
    found = Attachment.objects.undelivered().filter(public_id=public_id).first()
    if found is not None and user.is_staff and user.has_perm("uploads.fetch_quarantined"):
        return found
    attachment = Attachment.objects.get_visible_or_404(user, public_id=public_id)
    if not attachment.delivered:
        raise Quarantined(attachment)
    return attachment


def file_response(attachment: Attachment) -> HttpResponse:
    storage = attachment.file.storage
    if _serves_presigned_urls(storage):
        response = HttpResponseRedirect(
            storage.url(
                attachment.file.name,
                parameters={
                    "ResponseContentType": "application/octet-stream",
                    "ResponseContentDisposition": content_disposition_header(True, attachment.name),
                    "ResponseCacheControl": NO_STORE,
                },
                expire=settings.UPLOADS_URL_EXPIRE_SECONDS,
            )
        )
    else:
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.name,
            content_type="application/octet-stream",
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = NO_STORE
    return response


def _serves_presigned_urls(storage) -> bool:
    from storages.backends.s3 import S3Storage

    return isinstance(storage, S3Storage)
