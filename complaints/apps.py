from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "Complaints"

    def ready(self):
        from complaints import demo, demo_history, queries
        from portal.core.demo import register_demo_step
        from portal.core.home import register_home_section
        from portal.notifications import register_kind

        register_home_section(queries.home_section)
        from complaints import mailin

        mailin.register()
        register_kind("restriction", "How we deal with your contact")
        # The past first, so that references follow the order in which cases came in.
        register_demo_step(demo_history.seed_history)
        register_demo_step(demo.seed_complaints)
