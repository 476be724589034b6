from django.apps import AppConfig


class QueriesConfig(AppConfig):
    # Questions from centres, answered the first time where we can, referred to a specialist
    # team where we cannot, or taken as the complaint they turn out to be.
    name = "complaints.helpdesk"
    label = "queries"
    verbose_name = "Queries"

    def ready(self):
        from complaints.helpdesk import demo
        from portal.core.demo import register_demo_step
        from portal.notifications import register_kind

        register_kind("query", "Your queries")
        register_demo_step(demo.seed_help)
        register_demo_step(demo.seed_queries)
