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


def over_public_limit(request, *, scope: str, email: str, limit: int, window: int = 3600) -> bool:
    """Count an attempt at a public form (no account) against the address it came from and
    the email it gives, per ``scope``; answer whether either is now over ``limit`` in the
    ``window`` (seconds)."""
    import hashlib

    from django.core.cache import cache

    keys = [f"{scope}:ip:{client_ip(request)}"]
    if email:
        digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
        keys.append(f"{scope}:email:{digest}")
    over = False
    for key in keys:
        # add() starts the window only once; incr() is atomic on Redis and in memory.
        cache.add(key, 0, window)
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, window)
            count = 1
        over = over or count > limit
    return over
