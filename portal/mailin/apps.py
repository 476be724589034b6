from django.apps import AppConfig


class MailinConfig(AppConfig):
    name = "portal.mailin"
    label = "mailin"
    verbose_name = "Email in"
    notice_kinds = {"inbound": "Your emails to us"}

    def ready(self) -> None:
        from portal.mailin import tasks  # noqa: F401
