from django.urls import path

from centres.registration import views
from centres.registration.applications import CentreApplication
from portal.cases.views import move_urls

app_name = "join"

urlpatterns = [
    path("", views.InterestView.as_view(), name="interest"),
    path("sent/", views.sent, name="sent"),
    path("standards/", views.standards, name="standards"),
    path("confirm/<uidb64>/<token>/", views.confirm, name="confirm"),
    path("applications/", views.ApplicationListView.as_view(), name="list"),
    path("applications/<str:reference>/", views.ApplicationDetailView.as_view(), name="detail"),
    path("applications/<str:reference>/school/", views.school, name="school"),
    path("applications/<str:reference>/standards/<int:area>/", views.area, name="area"),
    *[
        path(f"applications/{p.pattern}", p.callback, name=p.name)
        for p in move_urls(CentreApplication, views)
    ],
]
