from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "portal.sla"
    label = "sla"
    verbose_name = "Service levels"

    def ready(self):
        from portal.core.home import register_home_section
        from portal.sla import subjects  # noqa: F401  (registers the check of clock subjects)
        from portal.sla.home import deadlines_section

        register_home_section(deadlines_section)
