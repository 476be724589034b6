from django.apps import AppConfig


class PostresultsConfig(AppConfig):
    name = "results.postresults"
    label = "postresults"
    verbose_name = "Post-results services"

    def ready(self):
        from portal.core.demo import register_demo_step
        from portal.notifications import register_kind
        from results.postresults import demo

        register_kind("postresults", "Certificates, paper copies and statements")
        register_demo_step(demo.seed_service_requests)
        register_demo_step(demo.seed_certificate_despatches)
