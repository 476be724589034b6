from django.apps import AppConfig


class LearnersConfig(AppConfig):
    name = "results.learners"
    label = "learners"
    verbose_name = "Learners"

    def ready(self):
        from portal.core.demo import register_demo_step
        from portal.notifications import register_kind
        from results.learners import demo, remembered

        register_kind("learner", "Your results online")
        register_demo_step(demo.seed_learners)
        remembered.connect()
