from django.apps import AppConfig


class EnquiriesConfig(AppConfig):
    name = "results.enquiries"
    label = "enquiries"
    verbose_name = "Enquiries about results"

    def ready(self):
        from portal.core.demo import register_demo_step
        from results.enquiries import demo

        register_demo_step(demo.seed_enquiries)
