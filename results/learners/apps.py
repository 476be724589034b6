from django.apps import AppConfig


class LearnersConfig(AppConfig):
    name = "results.learners"
    label = "learners"
    verbose_name = "Learners"
    notice_kinds = {"learner": "Your results online"}

    def ready(self):
        from results.learners import remembered

        remembered.connect()
