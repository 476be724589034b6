from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "registration"
    label = "registration"
    verbose_name = "Centre registration"

    def ready(self):
        from portal.accounts.roles import REGISTRATION_TEAM, extend_role

        extend_role(
            REGISTRATION_TEAM,
            [
                f"registration.{action}_{model}"
                for model in ("standardset", "qualitystandard")
                # Delete is for drafts: the admin refuses it for a published set's standards.
                for action in ("view", "add", "change", "delete")
            ],
        )
        self.ready_programmes()

    def ready_programmes(self):
        """Requests to offer additional programmes (registration.programmes)."""
        from portal.accounts.roles import REGISTRATION_TEAM, extend_role
        from portal.core.demo import register_demo_step
        from registration.programmes.demo import seed_programme_requests

        extend_role(
            REGISTRATION_TEAM,
            ["registration.view_programmerequest", "registration.change_programmerequest"],
        )
        register_demo_step(seed_programme_requests)
