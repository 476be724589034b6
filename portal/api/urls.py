"""The public API, version 1. Each app registers its viewsets on this one router."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from centres.api import CentreViewSet
from complaints.api import ComplaintViewSet
from entries.api import SeriesViewSet
from portal.accounts.api import TokenView
from portal.notifications.api import NotificationViewSet

router = DefaultRouter()
router.register("centres", CentreViewSet, basename="centre")
router.register("series", SeriesViewSet, basename="series")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("complaints", ComplaintViewSet, basename="complaint")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
]
