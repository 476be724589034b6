from django.urls import path

from portal.sla import views

app_name = "sla"

urlpatterns = [
    path("service-standards/", views.charter, name="charter"),
    path("admin/service-levels/", views.dashboard, name="dashboard"),
]
