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
