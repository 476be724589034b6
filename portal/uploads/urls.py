from django.urls import path

from portal.uploads import views

app_name = "uploads"

urlpatterns = [
    path("<uuid:public_id>/", views.download, name="file"),
    # A part of a resumable upload, sent to the portal when files are kept on its disk.
    path("parts/<str:token>/", views.receive_part, name="part"),
]
