from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "centres.registration"
    label = "registration"
    verbose_name = "Centre registration"

    def ready(self):
        from centres.registration import queries
        from portal.core.home import register_home_section

        register_home_section(queries.home_section, without_centre=True)
