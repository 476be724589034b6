from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "portal.outbox"
    label = "outbox"
    verbose_name = "Outbox"

    def ready(self) -> None:
        # The task that runs queued rows must be known wherever rows are published (web
        # processes, and tests where tasks run eagerly), not only in workers.
        from portal.outbox import tasks  # noqa: F401
