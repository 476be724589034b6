from django.apps import AppConfig


class PublicationsConfig(AppConfig):
    # Syllabuses, handbooks and past papers centres order from the catalogue staff keep.
    name = "centres.publications"
    label = "publications"
    verbose_name = "Publications"
    notice_kinds = {"publications": "Your publication orders"}
