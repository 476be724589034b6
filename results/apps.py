from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "results"
    verbose_name = "Results"

    def ready(self):
        from portal.core.demo import register_demo_step
        from portal.core.home import register_home_section
        from portal.notifications import register_kind
        from qa import services as qa
        from results import demo, home, qa_link

        register_kind("results", "Results")
        register_home_section(home.home_section)
        register_demo_step(demo.seed_results)
        # Results held while QA of the centre's syllabus is under way (results/qa_link.py).
        qa.on_opened(qa_link.hold_for)
        qa.on_settled(qa_link.release_for)
