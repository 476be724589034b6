"""The address a request came from, the same for sign-in lock-outs and rate limits."""

from django.conf import settings


def client_ip(request) -> str:
    """The client's address, trusting ``TRUSTED_PROXY_COUNT`` reverse proxies in front.

    Each trusted proxy appends the address it received the request from to
    X-Forwarded-For, so the client is that many entries from the right. Anything further
    left was written by the client itself and proves nothing.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
