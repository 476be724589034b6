from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "Complaints"
    notice_kinds = {"restriction": "How we deal with your contact"}

    def ready(self):
        from complaints import mailin, queries
        from portal.core.home import register_home_section

        register_home_section(queries.home_section)
        mailin.register()
