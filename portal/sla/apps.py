from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "portal.sla"
    label = "sla"
    verbose_name = "Service levels"

    def ready(self):
        from portal.accounts import roles
        from portal.core.home import register_home_section
        from portal.sla.home import deadlines_section

        register_home_section(deadlines_section)

        viewing = ["sla.view_servicelevel", "calendar.view_closureday", "sla.view_clock"]
        for role in roles.ROLES:
            roles.extend_role(role, viewing)
        # The director answers for the charter and the office calendar.
        roles.extend_role(
            roles.DIRECTOR,
            [
                "sla.change_servicelevel",
                "calendar.add_closureday",
                "calendar.change_closureday",
                "calendar.delete_closureday",
                "sla.view_notice",
                "notifications.view_notification",
            ],
        )
