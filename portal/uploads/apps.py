from django.apps import AppConfig


class UploadsConfig(AppConfig):
    name = "portal.uploads"
    label = "uploads"
    verbose_name = "Uploaded files"
    notice_kinds = {"file": "Files you uploaded"}
