from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "centres.registration"
    label = "registration"
    verbose_name = "Centre registration"

    def ready(self):
        from centres.registration import demo_applications, queries
        from centres.registration.programmes.demo import seed_programme_requests
        from portal.core.demo import register_demo_step
        from portal.core.home import register_home_section

        register_home_section(queries.home_section, without_centre=True)
        register_demo_step(demo_applications.seed_applications)
        register_demo_step(seed_programme_requests)
