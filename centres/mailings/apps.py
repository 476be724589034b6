from django.apps import AppConfig


class MailingsConfig(AppConfig):
    # The monthly newsletter and the timetables mailing to every exams officer.
    name = "centres.mailings"
    label = "mailings"
    verbose_name = "Mailings"

    def ready(self):
        from centres.mailings.models import Kind
        from portal.notifications import register_kind

        for kind in Kind:
            register_kind(kind.value, kind.label)
