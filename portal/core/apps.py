from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "portal.core"
    label = "core"
    verbose_name = "Portal"

    def ready(self) -> None:
        from django.core.signals import request_started

        # Registers the OpenAPI description of the portal's own authentication.
        from portal.api import schema  # noqa: F401
        from portal.core import checks  # noqa: F401
        from portal.guards import set_aside_charset

        # A charset that is no text encoding is set aside before Django builds the request
        # (which would fail decoding the query string), and refused with 400 by the guard.
        request_started.connect(set_aside_charset, dispatch_uid="portal.guards.charset")

        # Request ids carried into published tasks and the tasks' log lines (web and workers).
        from portal.observability import requestid  # noqa: F401
