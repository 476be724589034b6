from django.apps import AppConfig


class MailingsConfig(AppConfig):
    # The monthly newsletter and the timetables mailing to every exams officer.
    name = "centres.mailings"
    label = "mailings"
    verbose_name = "Mailings"

    def ready(self):
        from centres.mailings import demo
        from centres.mailings.models import Kind
        from portal.core.demo import register_demo_step
        from portal.notifications import register_kind

        for kind in Kind:
            register_kind(kind.value, kind.label)
        register_demo_step(demo.seed_mailings)
