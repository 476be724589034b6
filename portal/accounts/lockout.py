from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return (
        f"Too many failed sign-ins for this username. For your security it is locked for "
        f"{minutes} minutes. Try again later, or reset your password."
    )


def lockout_response(request, original_response, credentials, *args, **kwargs):
    """django-axes calls this when a sign-in is refused because of earlier failures."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    headers = {"Retry-After": str(minutes * 60)}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message()}, status=429, headers=headers)
    response = render(
        request, "accounts/locked_out.html", {"message": lockout_message()}, status=429
    )
    response["Retry-After"] = headers["Retry-After"]
    return response
