from django.apps import AppConfig


class MailingsConfig(AppConfig):
    # The monthly newsletter and the timetables mailing to every exams officer.
    name = "centres.mailings"
    label = "mailings"
    verbose_name = "Mailings"

    @property
    def notice_kinds(self) -> dict[str, str]:
        # Each kind of mailing is a kind of notice (read once the models are loaded).
        from centres.mailings.models import Kind

        return dict(Kind.choices)
