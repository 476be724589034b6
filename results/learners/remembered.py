"""Learners signed in, and their results pages, remembered in Redis for results day.

In the first hour of results day hundreds of thousands of learners ask for their own
results, each with the session cookie of a browser they signed in with. The long way
(``api.LearnerResultViewSet``) reads the session, the person, the learner account and the
results from the database. The short way (``read``) answers a plain ``GET`` of
``/api/v1/learner/results/`` from one round trip to Redis: a script reads the session's
memory and, by what it names, the person's stamp, the learner's page and the stamps that
page was built under, and the answer is taken only if every one of them holds.

* **A session's memory** (``learner:session:<sha256 of the session key>``): the person, the
  centre and UCI of their account, when the session expires and when it was checked (the
  moment the request that checked it began, before anything was read). Written at sign-in
  with a password and by the long way, never for staff (who sign in with a second factor),
  and kept at most ``MEMORY_SECONDS``.
* **A person's stamp** (``learner:person:<user id>``): when anything that could end their
  sessions last changed (signing in or out, a session ended, the password, the person made
  inactive or staff, the account withdrawn or deleted). A memory counts only if it was
  checked after that, so a request that checked a session just before the change cannot
  remember it after. The stamp is written at the change and again once it commits, and
  never moves back; a memory with no stamp beside it counts for nothing (the long way
  writes one, and remembers next time).
* **Everyone's stamp** (``learner:everyone``): a process that could not write a change to
  Redis (queued as ``learners.forget``) writes this as soon as Redis answers it again, so
  that no memory checked before it counts while the queued task waits for its turn.
* **A learner's page** (``learner:pages:<centre>``, a hash by UCI): the whole answer, with the
  centre's generation (``results:centre:<centre>``, bumped by ``results.queries.forget``,
  the one invalidation of results, and by a candidate changed; a bump Redis cannot take is
  queued), the version of the series' release instants (bumped by any series saved) and
  the instant until which it holds: the next release instant, and never more than
  ``PAGE_SECONDS`` after it was built. A page holds only results released when it was
  built, so nothing is ever shown a second early. The release sweep queues the building of
  the pages of every learner of each centre with results in the series
  (``learners.build_pages``, in chunks of centres that the workers share).

Redis away: reads take the long way; a stamp that cannot be written is queued
(``learners.forget``) and written once Redis answers again.
"""

import hashlib
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.db import transaction
from redis.exceptions import RedisError

from portal.cache import is_outage
from portal.outage import Outage
from portal.outbox.services import enqueue
from results import queries

logger = logging.getLogger(__name__)

# A page is answered at most this long after it was built (30 to 60 minutes, so that the
# pages built at an instant are not all built again at once).
PAGE_SECONDS = 60 * 60
# A session is remembered at most this long after it was checked; the long way checks and
# remembers it again.
MEMORY_SECONDS = 60 * 60
# Clocks of the portal's hosts agree to well within this: a change is stamped this far ahead.
CLOCK_MARGIN = 1.0

_READ = """
local memory = redis.call('GET', KEYS[1])
if not memory then return false end
local person, centre, uci = string.match(memory, '^(%d+)|(%d+)|([^|]+)|')
if not person then return false end
local p = ARGV[1]
return {
    memory,
    redis.call('GET', p .. 'learner:person:' .. person) or '',
    redis.call('GET', p .. 'learner:everyone') or '0',
    redis.call('HGET', p .. 'learner:pages:' .. centre, uci) or '',
    redis.call('GET', p .. 'results:centre:' .. centre) or '',
    redis.call('GET', p .. 'learner:releases') or '',
}
"""
# Stamps move only forward: a change stamped by one process is never undone by another
# that stamps an earlier moment.
_STAMP = """
for _, key in ipairs(KEYS) do
    local was = tonumber(redis.call('GET', key) or '')
    if not was or was < tonumber(ARGV[1]) then
        redis.call('SET', key, ARGV[1], 'EX', ARGV[2])
    end
end
"""
_scripts: dict[str, Any] = {}


def _run(name: str, source: str, client, *, keys: list[str], args: list) -> Any:
    if name not in _scripts:
        _scripts[name] = client.register_script(source)
    return _scripts[name](keys=keys, args=args, client=client)


def _redis() -> tuple[Any, Outage] | None:
    """The raw redis-py client of the cache and its outage, or None (no Redis, or Redis
    away)."""
    backend = getattr(cache, "_cache", None)
    outage = getattr(cache, "outage", None)
    if backend is None or outage is None or outage.skipping():
        return None
    return backend.get_client(write=True), outage


def _client():
    """The raw redis-py client of the cache, or None (no Redis, or Redis away)."""
    found = _redis()
    return found[0] if found else None


def _key(name: str) -> str:
    return cache.make_key(name)


def _session_key(session_key: str) -> str:
    return _key(f"learner:session:{hashlib.sha256(session_key.encode()).hexdigest()}")


def _person_key(user_id: int) -> str:
    return _key(f"learner:person:{user_id}")


def _pages_key(centre_id: int) -> str:
    return _key(f"learner:pages:{centre_id}")


def _centre_key(centre_id: int) -> str:
    return _key(queries.centre_generation_key(centre_id))


RELEASES = "learner:releases"
EVERYONE = "learner:everyone"


def _stamp_seconds() -> int:
    return settings.SESSION_COOKIE_AGE + MEMORY_SECONDS


def _guarded(action: Callable[[Any], Any], fallback: Any = None) -> Any:
    """``action(client)``, or ``fallback`` while Redis is away (errors of a command raise)."""
    found = _redis()
    if found is None:
        return fallback
    client, outage = found
    try:
        if _owed.is_set():
            _settle(client)
        answer = action(client)
    except RedisError as error:
        if not is_outage(error):
            raise
        outage.failed(error)
        return fallback
    outage.succeeded()
    return answer


# Set in a process that queued a change Redis could not take, until everyone's stamp is
# written (``_settle``).
_owed = threading.Event()


def _settle(client) -> None:
    _run("stamp", _STAMP, client, keys=[_key(EVERYONE)],
         args=[f"{time.time() + CLOCK_MARGIN:.6f}", _stamp_seconds()])  # fmt: skip
    _owed.clear()


# Reading ---------------------------------------------------------------------------------


def read(session_key: str, *, now: float) -> bytes | None:
    """The learner's whole answer to a plain read of their results, or None (long way)."""
    found = _guarded(
        lambda client: _run(
            "read", _READ, client, keys=[_session_key(session_key)], args=[_key("")]
        )  # fmt: skip
    )
    if not found:
        return None
    memory, person, everyone, page, centre, releases = found
    try:
        _, _, _, expires, checked = memory.split(b"|")
        if int(expires) <= now or not person:
            return None
        if float(checked) <= max(float(person), float(everyone)):
            return None
        if not (page and centre and releases):
            return None
        built_centre, built_releases, valid_until, body = page.split(b"|", 3)
        if built_centre != centre or built_releases != releases or int(valid_until) <= now:
            return None
    except ValueError:
        return None
    return body


# Remembering sessions --------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    session_key: str
    user_id: int
    centre_id: int
    uci: str
    expires: float

    @classmethod
    def of(cls, session_key: str, account, *, expires: float) -> "Session":
        """The memory of ``account``'s (a ``LearnerAccount``'s) session ``session_key``, which
        lasts until ``expires`` (a Unix time)."""
        return cls(
            session_key=session_key,
            user_id=account.user_id,
            centre_id=account.centre_id,
            uci=account.uci,
            expires=expires,
        )


def _memory(session: Session, checked: float) -> str:
    # The expiry rounded down: remembered never a moment longer than the session lasts.
    expires = int(min(session.expires, checked + MEMORY_SECONDS))
    return f"{session.user_id}|{session.centre_id}|{session.uci}|{expires}|{checked:.6f}"


def _seconds_left(session: Session, now: float) -> int:
    return max(1, min(int(session.expires - now), MEMORY_SECONDS))


def remember(session: Session, *, checked: float) -> None:
    """Remember a session the long way has just checked (``checked``: when that request
    began). Counted only if the person's stamp is older; with no stamp, one is written now
    and the session is remembered by its next read."""
    now = time.time()

    def write(client):
        if client.set(_person_key(session.user_id), f"{now + CLOCK_MARGIN:.6f}", nx=True,
                      ex=_stamp_seconds()):  # fmt: skip
            return
        client.set(
            _session_key(session.session_key),
            _memory(session, checked),
            ex=_seconds_left(session, now),
        )

    _guarded(write)


def signed_in(sessions: Iterable[Session], *, checked: float) -> None:
    """Remember sessions just signed in with a password (``checked``: when the sign-in
    began, before the password and the person were read). A person with no stamp gets one
    just before that moment; a stamp already there stays, so a change made since the
    sign-in began still forgets the session."""
    sessions = list(sessions)
    now = time.time()

    def write(client):
        pipe = client.pipeline(transaction=False)
        for session in sessions:
            pipe.set(_person_key(session.user_id), f"{checked - 1e-3:.6f}", nx=True,
                     ex=_stamp_seconds())  # fmt: skip
            pipe.set(
                _session_key(session.session_key),
                _memory(session, checked),
                ex=_seconds_left(session, now),
            )
        pipe.execute()

    if sessions:
        _guarded(write)


def forget_people(user_ids: Iterable[int]) -> None:
    """Forget every remembered session of these people: now, and again once the change
    commits. Written whatever this process thinks of Redis; if Redis cannot take it, a
    queued task writes it as soon as it can."""
    user_ids = sorted(set(user_ids))
    if not user_ids:
        return
    _forget_now(user_ids=user_ids)
    transaction.on_commit(lambda: _forget_now(user_ids=user_ids), robust=True)


def forget_session(session_key: str, *, user_id: int | None = None) -> None:
    """Forget one session, ended (signed out, flushed, its key cycled), and every session
    of its person remembered by a read that checked it before the end."""
    _forget_now(user_ids=[user_id] if user_id is not None else [], session_keys=[session_key])


def _forget_now(*, user_ids: list[int], session_keys: Iterable[str] = ()) -> None:
    try:
        write_forgetting(user_ids=user_ids, session_keys=list(session_keys))
    except Exception:
        logger.exception("Could not forget learners' sessions in Redis: queued")
        _owed.set()
        enqueue("learners.forget", user_ids=user_ids, session_keys=list(session_keys))


def write_forgetting(*, user_ids: Iterable[int] = (), session_keys: Iterable[str] = ()) -> None:
    """Stamp these people changed, now, and forget these sessions (raises if Redis cannot
    take it)."""
    backend = getattr(cache, "_cache", None)
    if backend is None or not hasattr(cache, "outage"):
        return  # no Redis: nothing is remembered
    client = backend.get_client(write=True)
    stamp = f"{time.time() + CLOCK_MARGIN:.6f}"
    if keys := [_person_key(user_id) for user_id in user_ids]:
        _run("stamp", _STAMP, client, keys=keys, args=[stamp, _stamp_seconds()])
    if keys := [_session_key(session_key) for session_key in session_keys]:
        client.delete(*keys)
    cache.outage.succeeded()
    if _owed.is_set():
        _settle(client)


# Pages -----------------------------------------------------------------------------------


def forget_releases() -> None:
    """A series' release instant set or moved: every learner's page is built again."""
    _guarded(lambda client: client.set(_key(RELEASES), uuid.uuid4().hex))


Stamps = tuple[dict[int, bytes], bytes]


def stamps(centre_ids: Iterable[int]) -> Stamps | None:
    """The centres' generations and the releases' version, made where missing: read before
    the results a page is built from, so that a change while it is built leaves it stale."""
    centre_ids = sorted(set(centre_ids))

    def ask(client):
        pipe = client.pipeline(transaction=False)
        for centre_id in centre_ids:
            pipe.set(_centre_key(centre_id), uuid.uuid4().int >> 65, nx=True)
        pipe.set(_key(RELEASES), uuid.uuid4().hex, nx=True)
        for centre_id in centre_ids:
            pipe.get(_centre_key(centre_id))
        pipe.get(_key(RELEASES))
        answers = pipe.execute()[len(centre_ids) + 1 :]
        return dict(zip(centre_ids, answers[:-1], strict=True)), answers[-1]

    found = _guarded(ask)
    if found is None or None in found[0].values() or found[1] is None:
        return None
    return found


def keep_pages(pages: dict[tuple[int, str], bytes], built: Stamps, *, valid_until: float) -> bool:
    """Keep learners' pages (by centre and UCI) built under ``built`` (``stamps``), each
    until ``valid_until`` or at most ``PAGE_SECONDS`` (somewhat less, at random): one hash of
    pages per centre, by UCI. Answer whether Redis took them."""
    generations, releases = built
    now = time.time()
    by_centre: dict[int, dict[str, bytes]] = {}
    for (centre_id, uci), body in pages.items():
        until = int(min(valid_until, now + PAGE_SECONDS * random.uniform(0.5, 1.0)))
        head = b"|".join([generations[centre_id], releases, str(until).encode()])
        by_centre.setdefault(centre_id, {})[uci] = head + b"|" + body

    def write(client):
        pipe = client.pipeline(transaction=False)
        for centre_id, fields in by_centre.items():
            pipe.hset(_pages_key(centre_id), mapping=fields)
            pipe.expire(_pages_key(centre_id), PAGE_SECONDS)
        pipe.execute()
        return True

    return not by_centre or bool(_guarded(write, fallback=False))


# What changes them -----------------------------------------------------------------------


def _person_changed(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    forget_people([instance.pk])


def _person_deleted(sender, instance, **kwargs):
    forget_people([instance.pk])


def _account_changed(sender, instance, **kwargs):
    forget_people([instance.user_id])


def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        forget_people([user.pk])


def _signed_in(sender, request, user, **kwargs):
    """A learner signed in in a browser: their new session remembered. Not a sign-in of
    another kind (an API token issued, whose request's session is not the person's), not
    staff (their second factor comes after the password)."""
    from results.learners.models import LearnerAccount

    session = getattr(request, "session", None)
    if session is None or user.is_staff or not user.is_active:
        return
    # When the sign-in began; signed in without a request of its own (``Client.force_login``,
    # a shell), a moment before now: an earlier moment only ever counts for less.
    checked = getattr(request, "started_at", None) or time.time() - CLOCK_MARGIN
    if session.get(SESSION_KEY) != str(user.pk) or session.session_key is None:
        return
    account = LearnerAccount.objects.active().filter(user_id=user.pk).first()
    if account is None:
        return
    signed_in(
        [Session.of(session.session_key, account, expires=session.get_expiry_date().timestamp())],
        checked=checked,
    )


def _candidate_changed(sender, instance, **kwargs):
    transaction.on_commit(lambda: queries.forget_centre(instance.centre_id), robust=True)


def _series_changed(sender, instance, **kwargs):
    forget_releases()
    transaction.on_commit(forget_releases, robust=True)


def connect() -> None:
    """Hook what changes a remembered session or page to forgetting it (once, by the app).
    Sessions ended are forgotten by the session store (results/learners/sessions.py)."""
    from django.contrib.auth import user_logged_in, user_logged_out
    from django.db.models.signals import post_delete, post_save

    from entries.models import Candidate, Series
    from portal.accounts.models import User
    from results.learners.models import LearnerAccount

    post_save.connect(_person_changed, sender=User, dispatch_uid="learners.person")
    post_delete.connect(_person_deleted, sender=User, dispatch_uid="learners.person-gone")
    post_save.connect(_account_changed, sender=LearnerAccount, dispatch_uid="learners.account")
    post_delete.connect(_account_changed, sender=LearnerAccount, dispatch_uid="learners.gone")
    user_logged_out.connect(_signed_out, dispatch_uid="learners.signed-out")
    user_logged_in.connect(_signed_in, dispatch_uid="learners.signed-in")
    post_save.connect(_candidate_changed, sender=Candidate, dispatch_uid="learners.candidate")
    post_delete.connect(_candidate_changed, sender=Candidate, dispatch_uid="learners.cand-gone")
    post_save.connect(_series_changed, sender=Series, dispatch_uid="learners.series")
