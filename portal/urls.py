from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal.core import views as core_views
from portal.observability.metrics import metrics_view

urlpatterns = [
    # First, so that resolving it takes no walk through the rest: the results-day read.
    path("api/v1/results/", include("results.read")),
    # Next, the rest of the API: no walk through the pages' addresses either.
    path("api/v1/", include("portal.api.urls")),
    # Before the admin: the dashboard lives in the staff area, behind the same two-factor gate.
    path("", include("portal.sla.urls")),
    # Then the staff area, whose every filtered list resolves each row's address again.
    path("admin/", admin.site.urls),
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("robots.txt", core_views.robots, name="robots"),
    path("accounts/", include("portal.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("complaints/", include("complaints.urls")),
    path("queries/", include("complaints.helpdesk.urls")),
    path("help/", include("complaints.helpdesk.help_urls")),
    path("publications/", include("centres.publications.urls")),
    path("join/", include("centres.registration.urls")),
    path("arrangements/", include("entries.arrangements.urls")),
    path("programmes/", include("centres.registration.programmes.urls")),
    path("qa/", include("qa.urls")),
    path("post-results/", include("results.postresults.urls")),
    path("results/", include("results.urls")),
    path("", include("results.learners.urls")),
    path("entries/", include("entries.urls")),
    path("enquiries/", include("results.enquiries.urls")),
    path("notifications/", include("portal.notifications.urls")),
    path("", include("centres.urls")),
    path("files/", include("portal.uploads.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        # Our template: the language of the page, and no inline style for the CSP to refuse.
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
]

# Errors outside DRF (unknown addresses, refusals in middleware, faults): JSON under /api/,
# pages in the portal's layout elsewhere.
handler400 = "portal.core.views.bad_request"
handler403 = "portal.core.views.permission_denied"
handler404 = "portal.core.views.page_not_found"
handler500 = "portal.core.views.server_error"
