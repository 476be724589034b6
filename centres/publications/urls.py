from django.urls import path

from centres.publications import views
from centres.publications.steps import STEPS

app_name = "publications"

urlpatterns = [
    path("", views.OrdersView.as_view(), name="list"),
    path("order/", views.OrderCreateView.as_view(), name="create"),
    path("<str:reference>/", views.OrderDetailView.as_view(), name="detail"),
    *STEPS.urls(views.OrderDetailView),
]
