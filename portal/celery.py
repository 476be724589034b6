import os
import sys

from celery import Celery
from celery.signals import beat_init, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
@beat_init.connect
def _refuse_to_run_as_demo(**kwargs: object) -> None:
    # With DEBUG off a worker or beat does not start on the embedded default unless told to.
    # Celery logs an exception raised by a signal's receiver and carries on: exit instead.
    from django.core.exceptions import ImproperlyConfigured

    from portal.core.checks import refuse_to_run_as_demo

    try:
        refuse_to_run_as_demo()
    except ImproperlyConfigured as error:
        print(f"ImproperlyConfigured: {error}", file=sys.stderr, flush=True)
        raise SystemExit(1) from None
