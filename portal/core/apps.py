from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "portal.core"
    label = "core"
    verbose_name = "Portal"

    def ready(self) -> None:
        from django.core.signals import request_started
        from django.db.models.signals import post_delete, post_save

        # Registers the OpenAPI description of the portal's own authentication.
        from portal.api import schema  # noqa: F401
        from portal.centres.models import Centre
        from portal.core import checks  # noqa: F401
        from portal.core.home import forget_centre_count
        from portal.guards import set_aside_charset

        # A charset that is no text encoding is set aside before Django builds the request
        # (which would fail decoding the query string), and refused with 400 by the guard.
        request_started.connect(set_aside_charset, dispatch_uid="portal.guards.charset")
        # The staff home's count of centres, kept a few minutes, forgotten when one is made.
        post_save.connect(forget_centre_count, sender=Centre, dispatch_uid="home.centres.made")
        post_delete.connect(forget_centre_count, sender=Centre, dispatch_uid="home.centres.gone")

        # Request ids carried into published tasks and the tasks' log lines (web and workers).
        from portal.observability import requestid  # noqa: F401
