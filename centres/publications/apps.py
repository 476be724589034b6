from django.apps import AppConfig


class PublicationsConfig(AppConfig):
    # Syllabuses, handbooks and past papers centres order from the catalogue staff keep.
    name = "centres.publications"
    label = "publications"
    verbose_name = "Publications"

    def ready(self):
        from centres.publications import demo
        from portal.core.demo import register_demo_step
        from portal.notifications import register_kind

        register_kind("publications", "Your publication orders")
        register_demo_step(demo.seed_publications)
