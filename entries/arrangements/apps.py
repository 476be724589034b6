from django.apps import AppConfig


class ArrangementsConfig(AppConfig):
    name = "entries.arrangements"
    label = "arrangements"
    verbose_name = "Access arrangements and special consideration"

    def ready(self):
        from entries.arrangements import queries
        from portal.core.home import register_home_section

        register_home_section(queries.home_section)
