from django.urls import path

from centres.publications import views
from centres.publications.models import PublicationOrder
from portal.cases.views import move_urls

app_name = "publications"

urlpatterns = [
    path("", views.OrdersView.as_view(), name="list"),
    path("order/", views.OrderCreateView.as_view(), name="create"),
    path("<str:reference>/", views.OrderDetailView.as_view(), name="detail"),
    *move_urls(PublicationOrder, views),
]
