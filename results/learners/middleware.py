"""A learner's session reaches their own pages only: the centre's pages are not theirs,
whatever a page would show a signed-in person of no centre."""

from django.core.exceptions import PermissionDenied

from portal.workflow import centre_ids_of

# What a learner may open besides their results: signing in and out, their password and
# notices, the public help and service standards, the site's own files.
LEARNER_PATHS = (
    "/learner/",
    "/i18n/",
    "/post-results/certifying-statement/",
    "/accounts/",
    "/notifications/",
    "/help/",
    "/service-standards/",
    "/static/",
    "/api/",
    "/healthz",
    "/readyz",
    "/favicon.ico",
    "/robots.txt",
)


class LearnersOwnPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_staff
            and request.path != "/"
            and not request.path.startswith(LEARNER_PATHS)
            # An officer of a centre is one whatever else they are: their centres, which the
            # page reads anyway (once a request), before the learner's account is looked for.
            and not centre_ids_of(user)
            and hasattr(user, "learner_account")
        ):
            raise PermissionDenied("A learner's account opens only the learner's own pages.")
        return self.get_response(request)
