from django.apps import AppConfig


class CentrePagesConfig(AppConfig):
    # The centre's own pages and services: its details, its colleagues and their invitations,
    # and (nested) becoming a centre. The models are the shared layer's (`portal.centres`).
    name = "centres"
    label = "centre_pages"
    verbose_name = "Centre pages"

    def ready(self):
        from centres import demo
        from portal.core.demo import register_demo_step
        from portal.notifications import register_kind

        register_kind("invitation", "Invitation to join a centre")
        register_kind("centre", "Your centre's users and details")
        register_demo_step(demo.seed_centre_accounts)
