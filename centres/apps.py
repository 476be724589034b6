from django.apps import AppConfig


class CentrePagesConfig(AppConfig):
    # The centre's own pages and services: its details, its colleagues and their invitations,
    # and (nested) becoming a centre. The models are the shared layer's (`portal.centres`).
    name = "centres"
    label = "centre_pages"
    verbose_name = "Centre pages"
    notice_kinds = {
        "invitation": "Invitation to join a centre",
        "centre": "Your centre's users and details",
    }
