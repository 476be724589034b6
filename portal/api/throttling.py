"""DRF throttles that know a client by the portal's own idea of its address.

DRF's ``get_ident`` believes ``X-Forwarded-For`` unless ``NUM_PROXIES`` is set, so a client
could reset its own limit by sending a new header each time. These classes ask
``portal.net.client_ip`` instead: the address sign-in lock-outs use too.
"""

import hashlib

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


class TokenAddressThrottle(ClientAddressMixin, throttling.SimpleRateThrottle):
    """Sign-ins at the token endpoint per client address (``TOKEN_THROTTLE_ADDRESS_RATE``):
    generous, since a whole school can sit behind one address."""

    scope = "token_address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenUserThrottle(throttling.SimpleRateThrottle):
    """Sign-ins at the token endpoint per username tried (``TOKEN_THROTTLE_RATE``), from
    wherever they come: one person's retries never hold up their colleagues."""

    scope = "token_user"

    def get_cache_key(self, request, view):
        data = request.data
        username = data.get("username") if hasattr(data, "get") else None
        if not isinstance(username, str) or not username.strip():
            # Nothing to count against; the request is refused as incomplete anyway.
            return None
        digest = hashlib.sha256(username.strip().lower().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": digest}
