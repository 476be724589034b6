from django.apps import AppConfig


class QaConfig(AppConfig):
    name = "qa"
    verbose_name = "Quality assurance"

    def ready(self):
        from portal.core.demo import register_demo_step
        from portal.core.home import register_home_section
        from portal.notifications import register_kind
        from qa import demo, queries

        register_kind("qa", "Quality assurance")
        register_home_section(queries.home_section)
        register_demo_step(demo.seed_qa)
