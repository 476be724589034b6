from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "results"
    verbose_name = "Results"

    notice_kinds = {"results": "Results"}

    def ready(self):
        from portal.core.home import register_home_section
        from qa import services as qa
        from results import home, qa_link

        register_home_section(home.home_section)
        # Results held while QA of the centre's syllabus is under way (results/qa_link.py).
        qa.on_opened(qa_link.hold_for)
        qa.on_settled(qa_link.release_for)
