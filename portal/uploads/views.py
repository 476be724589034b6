from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_safe

from portal.uploads.downloads import file_response
from portal.uploads.models import Attachment


@require_safe
@login_required
def download(request, public_id):
    """A file of a case, for those who may see the case; signed out, sign in first."""
    return file_response(Attachment.objects.get_visible_or_404(request.user, public_id=public_id))
