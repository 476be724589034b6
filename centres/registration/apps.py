from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "centres.registration"
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
        self.ready_applications()
        self.ready_programmes()

    def ready_applications(self):
        """Centre applications: the registration team works them and keeps the fees."""
        from centres.registration import demo_applications, queries
        from portal.accounts.roles import REGISTRATION_TEAM, extend_role
        from portal.core.demo import register_demo_step
        from portal.core.home import register_home_section

        extend_role(
            REGISTRATION_TEAM,
            [
                "registration.view_centreapplication",
                "registration.change_centreapplication",
                *[f"registration.{a}_applicationfee" for a in ("view", "add", "change", "delete")],
            ],
        )
        register_home_section(queries.home_section, without_centre=True)
        register_demo_step(demo_applications.seed_applications)

    def ready_programmes(self):
        """Requests to offer additional programmes (registration.programmes)."""
        from centres.registration.programmes.demo import seed_programme_requests
        from portal.accounts.roles import REGISTRATION_TEAM, extend_role
        from portal.core.demo import register_demo_step

        extend_role(
            REGISTRATION_TEAM,
            ["registration.view_programmerequest", "registration.change_programmerequest"],
        )
        register_demo_step(seed_programme_requests)
