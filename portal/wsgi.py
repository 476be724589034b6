import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

application = get_wsgi_application()

# With DEBUG off, refuse to serve on the embedded default unless told to (portal/core/checks.py).
from portal.core.checks import refuse_to_run_as_demo  # noqa: E402

refuse_to_run_as_demo()
