"""Officers' API tokens checked once, then remembered for a few seconds in the process.

On results day thousands of school systems ask for their results at the same moment, each
with its token. Checking a token costs a database read (and a write a minute); remembering a
good officer's token for ``TOKEN_MEMORY_SECONDS`` saves that read on every request after
the first. The price: a token revoked, or a membership ended, still reads results for at
most that long in a process that has just seen it. Staff tokens are never remembered.
"""

import hashlib
import threading
import time

from django.utils import timezone

from portal.api.authentication import ApiTokenAuthentication

TOKEN_MEMORY_SECONDS = 10
MOST_REMEMBERED = 20_000

_remembered: dict[str, tuple[float, object, object]] = {}
_lock = threading.Lock()


def forget_tokens() -> None:
    with _lock:
        _remembered.clear()


class RememberedOfficerTokens(ApiTokenAuthentication):
    def authenticate_credentials(self, token):
        key = hashlib.sha256(token).hexdigest()
        found = _remembered.get(key)
        now = time.monotonic()
        if found is not None:
            until, user, auth_token = found
            if until > now and (auth_token.expiry is None or auth_token.expiry > timezone.now()):
                return user, auth_token
        user, auth_token = super().authenticate_credentials(token)
        if not user.is_staff:
            from portal.workflow import centre_ids_of

            centre_ids_of(user)  # read once, with the token
            with _lock:
                if len(_remembered) >= MOST_REMEMBERED:
                    _remembered.clear()
                _remembered[key] = (now + TOKEN_MEMORY_SECONDS, user, auth_token)
        return user, auth_token
