"""DRF throttles that know a client by the portal's own idea of its address.

DRF's ``get_ident`` believes ``X-Forwarded-For`` unless ``NUM_PROXIES`` is set, so a client
could reset its own limit by sending a new header each time. These classes ask
``portal.net.client_ip`` instead: the address sign-in lock-outs use too.
"""

from rest_framework import throttling

from portal.net import client_ip


class ClientAddressMixin:
    def get_ident(self, request):
        return client_ip(request)


class AnonRateThrottle(ClientAddressMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ClientAddressMixin, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(ClientAddressMixin, throttling.ScopedRateThrottle):
    pass
