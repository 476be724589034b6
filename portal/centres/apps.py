from django.apps import AppConfig


class CentresConfig(AppConfig):
    # Who belongs where is shared machinery: the permissions module answers "which centres
    # may this user see" from these models, so they live in the shared layer. The label
    # stays "centres" (tables, migrations and "centres.Centre" references are unchanged).
    name = "portal.centres"
    label = "centres"
    verbose_name = "Centres"

    def ready(self):
        from portal.accounts.roles import REGISTRATION_TEAM, extend_role
        from portal.centres import demo
        from portal.core.demo import register_demo_step
        from portal.notifications import register_kind

        register_kind("invitation", "Invitation to join a centre")
        register_kind("centre", "Your centre's users and details")
        register_demo_step(demo.seed_centre_accounts)
        extend_role(REGISTRATION_TEAM, ["centres.view_invitation", "centres.change_invitation"])
