from django.urls import include, path

from entries.arrangements import views
from entries.arrangements.models import AccessArrangement, SpecialConsideration
from entries.arrangements.steps import ACCESS, APPEAL, CONSIDERATION
from entries.arrangements.views import access, appeals, consideration
from portal.cases.views import move_urls

app_name = "arrangements"

access_urls = [
    path("new/", views.AccessArrangementCreateView.as_view(), name="create"),
    path("<str:reference>/", access.AccessArrangementDetailView.as_view(), name="detail"),
    *ACCESS.urls(access.AccessArrangementDetailView),
    *move_urls(AccessArrangement, access),
]
consideration_urls = [
    path("new/", views.SpecialConsiderationCreateView.as_view(), name="create"),
    path(
        "<str:reference>/",
        consideration.SpecialConsiderationDetailView.as_view(),
        name="detail",
    ),
    *CONSIDERATION.urls(consideration.SpecialConsiderationDetailView),
    *move_urls(SpecialConsideration, consideration),
]
appeal_urls = [
    path("<str:reference>/", appeals.AppealDetailView.as_view(), name="detail"),
    *APPEAL.urls(appeals.AppealDetailView),
]

urlpatterns = [
    path("", views.ArrangementsView.as_view(), name="list"),
    path("access/", include((access_urls, "access"))),
    path("special-consideration/", include((consideration_urls, "consideration"))),
    path("appeals/", include((appeal_urls, "appeal"))),
]
