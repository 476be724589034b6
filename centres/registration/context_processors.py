from django.utils.functional import SimpleLazyObject

from centres.registration.applications import CentreApplication


def applicant(request):
    """Whether the signed-in person applied to become a centre, for the menu of a school
    that is not a centre yet; asked only on pages that show it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_staff:
        return {}
    return {
        "applicant": SimpleLazyObject(
            lambda: CentreApplication.objects.filter(applicant=user).exists()
        )
    }
