from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("portal.accounts.urls")),
    path("complaints/", include("complaints.urls")),
    path("notifications/", include("portal.notifications.urls")),
    path("files/", include("portal.uploads.urls")),
    # Before the admin: the dashboard lives in the staff area, behind the same two-factor gate.
    path("", include("portal.sla.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("portal.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
