from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "portal.core"
    label = "core"
    verbose_name = "Portal"

    def ready(self) -> None:
        # Registers the OpenAPI description of the portal's own authentication.
        from portal.api import schema  # noqa: F401
        from portal.core import checks  # noqa: F401

        # Request ids carried into published tasks and the tasks' log lines (web and workers).
        from portal.observability import requestid  # noqa: F401
