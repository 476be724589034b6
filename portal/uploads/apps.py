from django.apps import AppConfig


class UploadsConfig(AppConfig):
    name = "portal.uploads"
    label = "uploads"
    verbose_name = "Uploaded files"

    def ready(self):
        from portal.notifications import register_kind

        register_kind("file", "Files you uploaded")
