"""The portal's WSGI application with one more page, ``/overrun/``, that never finishes on
its own: the page a test of gunicorn's timeout sends a request to."""

import time

from portal.wsgi import application


def overrun(request):
    # Python's own work, not a query: what a threaded worker would let run for ever.
    while True:
        time.sleep(0.05)


def _add_the_page() -> None:
    # Once the application has loaded Django (above): the URLs import the apps' views.
    from django.urls import path

    from portal import urls

    urls.urlpatterns.insert(0, path("overrun/", overrun))


_add_the_page()
__all__ = ["application"]
