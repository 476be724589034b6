from django.http import HttpResponse
from django.urls import path

from portal.urls import *  # noqa: F403
from portal.urls import urlpatterns as portal_urlpatterns


def bare(request):
    return HttpResponse(b'{"ok": true}', content_type="application/json")


urlpatterns = [
    path("bench/bare/", bare),
    # The same for a learner, whose session opens only pages under /learner/.
    path("learner/bench-bare/", bare),
    *portal_urlpatterns,
]
