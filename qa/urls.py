from django.urls import path

from portal.cases.views import move_urls
from qa import views
from qa.models import QaRequest

app_name = "qa"

urlpatterns = [
    path("", views.RequestListView.as_view(), name="list"),
    path("grades/", views.grades, name="grades"),
    path("grades/import/", views.import_grades, name="import"),
    path("sample/", views.sample, name="sample"),
    path("<str:reference>/", views.RequestDetailView.as_view(), name="detail"),
    *move_urls(QaRequest, views),
]
