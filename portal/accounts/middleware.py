from django.shortcuts import redirect
from django.urls import reverse

# Pages a member of staff may open before the second factor: signing in itself, the public
# pages, and the API (whose own authentication answers in JSON instead of redirecting).
OPEN_BEFORE_TWO_FACTOR = (
    "/accounts/",
    "/static/",
    "/healthz",
    "/api/",
    "/service-standards/",
    "/complaints/public/",
    "/favicon.ico",
    "/robots.txt",
)


class StaffTwoFactorMiddleware:
    """Staff hold powers over every centre: no page of theirs opens on a password alone.

    One rule in one place, rather than a check in each staff view that a new view could
    forget. Exams officers are not affected (their two-factor sign-in is optional).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.is_staff
            and not user.is_verified()
            and not request.path.startswith(OPEN_BEFORE_TWO_FACTOR)
        ):
            setup = reverse("accounts:two_factor_setup")
            return redirect(f"{setup}?next={request.get_full_path()}")
        return self.get_response(request)
