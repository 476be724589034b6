from django.apps import AppConfig


class MailinConfig(AppConfig):
    name = "portal.mailin"
    label = "mailin"
    verbose_name = "Email in"

    def ready(self) -> None:
        from portal.mailin import tasks  # noqa: F401
        from portal.notifications import register_kind

        register_kind("inbound", "Your emails to us")
