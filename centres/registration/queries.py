"""Reading centre applications: the home page section."""

from centres.registration.applications import CentreApplication

HOME_SHOWN = 10


def home_section(user, centres) -> dict | None:
    """An applicant's own applications; the registration team's open ones, next due first."""
    if user.is_staff and not user.has_perm("registration.view_centreapplication"):
        return None
    cases = CentreApplication.objects.visible_to(user).select_related("centre")
    if user.is_staff:
        cases = cases.open().order_by("next_due", "created_at")
    else:
        cases = cases.filter(applicant=user).order_by("-created_at")
    cases = list(cases[:HOME_SHOWN])
    if not cases:
        return None
    return {
        "template": "registration/_home_section.html",
        "cases": cases,
        "staff": user.is_staff,
    }
