from django.contrib import admin, messages
from django.contrib.admin.apps import AdminConfig
from django.shortcuts import redirect
from django.urls import reverse


class PortalAdminSite(admin.AdminSite):
    """The staff back office: opens only to staff who have passed two-factor sign-in."""

    site_header = "Exams Portal: staff"
    site_title = "Exams Portal staff"
    index_title = "Review queues"

    def has_permission(self, request):
        return super().has_permission(request) and request.user.is_verified()

    def login(self, request, extra_context=None):
        # Staff who have not passed two-factor sign-in never get here: the
        # StaffTwoFactorMiddleware sends them to it first.
        next_url = request.GET.get("next") or reverse("admin:index")
        if request.user.is_authenticated:
            messages.error(request, "The review queues are for awarding-body staff only.")
            return redirect("home")
        return redirect(f"{reverse('accounts:login')}?next={next_url}")


class PortalAdminConfig(AdminConfig):
    default_site = "portal.core.admin_site.PortalAdminSite"
