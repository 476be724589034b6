from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from portal.uploads import services
from portal.uploads.backends import LocalParts, PartRefused
from portal.uploads.downloads import Quarantined, downloadable_or_404, file_response
from portal.uploads.models import Upload


@require_safe
@login_required
def download(request, public_id):
    """A file of a case, for those who may see the case; signed out, sign in first."""
    try:
        return file_response(downloadable_or_404(request.user, public_id=public_id))
    except Quarantined as refused:
        context = {"attachment": refused.attachment, "why": refused.args[0]}
        return render(request, "uploads/quarantined.html", context, status=403)


@csrf_exempt
@require_http_methods(["PUT"])
def receive_part(request, token):
    """``PUT`` one part of a resumable upload into local storage (the embedded default's
    stand-in for S3's presigned part URLs). The URL authorises itself: it was signed for
    one part of one upload and expires; no session or token is read, so a browser's
    cookies are not needed and not trusted. The body is streamed to disk, never read whole;
    the answer's ``ETag`` names the part for ``…/complete/``."""
    try:
        public_id, number = LocalParts.read_token(token)
    except signing.SignatureExpired:
        return _refuse("This part's address has expired: ask for a new one.", 403)
    except signing.BadSignature:
        return _refuse("This is not an address the portal gave for a part.", 403)
    upload = Upload.objects.filter(public_id=public_id, backend=Upload.Backend.LOCAL).first()
    if upload is None:
        return _refuse("No upload matches this address.", 404)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return _refuse("Send the part with its Content-Length.", 411)
    try:
        part = services.receive_part(upload, number=number, body=request, length=length)
    except PartRefused as refused:
        return _refuse(refused.message, refused.status)
    response = HttpResponse(status=200)
    response["ETag"] = f'"{part.etag}"'
    return response


def _refuse(detail: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)
