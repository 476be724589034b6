from django.apps import AppConfig


class QaConfig(AppConfig):
    name = "qa"
    verbose_name = "Quality assurance"
    notice_kinds = {"qa": "Quality assurance"}

    def ready(self):
        from portal.core.home import register_home_section
        from qa import queries

        register_home_section(queries.home_section)
