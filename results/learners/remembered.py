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
  and by the long way.
* **A person's stamp** (``learner:person:<user id>``): when anything that could end their
  sessions last changed (signing in or out, the password, the person made inactive or
  staff, the account withdrawn or deleted). A memory counts only if it was checked after
  that, so a request that checked a session just before the change cannot remember it
  after. The stamp is written at the change and again once it commits; a memory with no
  stamp beside it counts for nothing (the long way writes one, and remembers next time).
* **A learner's page** (``learner:pages:<centre>``, a hash by UCI): the whole answer, with the
  centre's generation (``results:centre:<centre>``, bumped by ``results.queries.forget``,
  the one invalidation of results, and by a candidate changed), the version of the series'
  release instants (bumped by any series saved) and the next release instant after it was
  built, past which it is built again. A page holds only results released when it was
  built, so nothing is ever shown a second early. The release sweep queues the building of
  the pages of every learner of each centre with results in the series
  (``learners.build_pages``, in chunks of centres that the workers share).

Redis away: reads take the long way; a stamp that cannot be written is queued
(``learners.forget``) and written once Redis answers again.
"""

import hashlib
import logging
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from redis.exceptions import RedisError

from results import queries

logger = logging.getLogger(__name__)

# A memory or page is kept at most this long (a session lasts SESSION_COOKIE_AGE).
PAGE_SECONDS = 15 * 60
# Clocks of the portal's hosts agree to well within this: a stamp is written this far ahead.
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
    redis.call('HGET', p .. 'learner:pages:' .. centre, uci) or '',
    redis.call('GET', p .. 'results:centre:' .. centre) or '',
    redis.call('GET', p .. 'learner:releases') or '',
}
"""
_script = None


def _client():
    """The raw redis-py client of the cache, or None (no Redis, or Redis away)."""
    backend = getattr(cache, "_cache", None)
    outage = getattr(cache, "outage", None)
    if backend is None or outage is None or outage.skipping():
        return None
    return backend.get_client(write=True)


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


def _guarded(action, fallback=None):
    client = _client()
    if client is None:
        return fallback
    try:
        answer = action(client)
    except RedisError as error:
        cache.outage.failed(error)
        return fallback
    cache.outage.succeeded()
    return answer


# Reading ---------------------------------------------------------------------------------


def read(session_key: str, *, now: float) -> bytes | None:
    """The learner's whole answer to a plain read of their results, or None (long way)."""

    def ask(client):
        global _script
        if _script is None:
            _script = client.register_script(_READ)
        return _script(keys=[_session_key(session_key)], args=[_key("")], client=client)

    found = _guarded(ask)
    if not found:
        return None
    memory, person, page, centre, releases = found
    try:
        _, _, _, expires, checked = memory.split(b"|")
        if float(expires) <= now or not person or float(checked) <= float(person):
            return None
        if not (page and centre and releases):
            return None
        built_centre, built_releases, valid_until, body = page.split(b"|", 3)
    except ValueError:
        return None
    if built_centre != centre or built_releases != releases or float(valid_until) <= now:
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


def _memory(session: Session, checked: float) -> str:
    return (
        f"{session.user_id}|{session.centre_id}|{session.uci}|{session.expires:.0f}|{checked:.6f}"
    )


def _seconds_left(session: Session, now: float) -> int:
    return max(1, min(int(session.expires - now), settings.SESSION_COOKIE_AGE))


def remember(session: Session, *, checked: float) -> None:
    """Remember a session the long way has just checked (``checked``: when that request
    began). Counted only if the person's stamp is older; with no stamp, one is written now
    and the session is remembered by its next read."""
    now = time.time()

    def write(client):
        if client.set(_person_key(session.user_id), f"{now + CLOCK_MARGIN:.6f}", nx=True,
                      ex=settings.SESSION_COOKIE_AGE + PAGE_SECONDS):  # fmt: skip
            return
        client.set(
            _session_key(session.session_key),
            _memory(session, checked),
            ex=_seconds_left(session, now),
        )

    _guarded(write)


def signed_in(sessions: Iterable[Session]) -> None:
    """Remember sessions just signed in with a password: their person's earlier sessions
    are forgotten (the stamp moves on), each new one counts from this moment."""
    now = time.time()

    def write(client):
        pipe = client.pipeline(transaction=False)
        for session in sessions:
            pipe.set(_person_key(session.user_id), f"{now:.6f}",
                     ex=settings.SESSION_COOKIE_AGE + PAGE_SECONDS)  # fmt: skip
            pipe.set(
                _session_key(session.session_key),
                _memory(session, now + 1e-3),
                ex=_seconds_left(session, now),
            )
        pipe.execute()

    _guarded(write)


def forget_people(user_ids: Iterable[int]) -> None:
    """Forget every remembered session of these people: now, and again once the change
    commits. Written whatever this process thinks of Redis; if Redis cannot take it, a
    queued task writes it as soon as it can."""
    user_ids = sorted(set(user_ids))
    if not user_ids:
        return
    _stamp_now(user_ids)
    transaction.on_commit(lambda: _stamp_now(user_ids), robust=True)


def forget_session(session_key: str) -> None:
    """Forget one session, ended (deleted: signed out, flushed, its key cycled)."""
    try:
        write_forgetting(session_keys=[session_key])
    except Exception:
        logger.exception("Could not forget an ended session: queued")
        from portal.outbox.services import enqueue

        enqueue("learners.forget", session_keys=[session_key])


def _stamp_now(user_ids: list[int]) -> None:
    try:
        write_forgetting(user_ids=user_ids)
    except Exception:
        logger.exception("Could not forget the sessions of %d learners: queued", len(user_ids))
        from portal.outbox.services import enqueue

        enqueue("learners.forget", user_ids=user_ids)


def write_forgetting(*, user_ids=(), session_keys=()) -> None:
    """Stamp these people changed, now, and forget these sessions (raises if Redis cannot
    take it)."""
    backend = getattr(cache, "_cache", None)
    if backend is None or not hasattr(cache, "outage"):
        return  # no Redis: nothing is remembered
    stamp = f"{time.time() + CLOCK_MARGIN:.6f}"
    pipe = backend.get_client(write=True).pipeline(transaction=False)
    for user_id in user_ids:
        pipe.set(_person_key(user_id), stamp, ex=settings.SESSION_COOKIE_AGE + PAGE_SECONDS)
    for session_key in session_keys:
        pipe.delete(_session_key(session_key))
    pipe.execute()
    cache.outage.succeeded()


# Pages -----------------------------------------------------------------------------------


def forget_releases() -> None:
    """A series' release instant set or moved: every learner's page is built again."""
    _guarded(lambda client: client.set(_key(RELEASES), uuid.uuid4().hex))


def stamps(centre_ids: Iterable[int]) -> tuple[dict[int, bytes], bytes] | None:
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


def keep_pages(pages: dict[tuple[int, str], bytes], built: tuple, *, valid_until: float) -> None:
    """Keep learners' pages (by centre and UCI) built under ``built`` (``stamps``): one
    hash of pages per centre, by UCI."""
    generations, releases = built
    by_centre: dict[int, dict[str, bytes]] = {}
    until = f"{valid_until:.0f}".encode()
    for (centre_id, uci), body in pages.items():
        head = b"|".join([generations[centre_id], releases, until])
        by_centre.setdefault(centre_id, {})[uci] = head + b"|" + body

    def write(client):
        pipe = client.pipeline(transaction=False)
        for centre_id, fields in by_centre.items():
            pipe.hset(_pages_key(centre_id), mapping=fields)
            pipe.expire(_pages_key(centre_id), PAGE_SECONDS)
        pipe.execute()

    if by_centre:
        _guarded(write)


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
    from results.learners.models import LearnerAccount

    account = LearnerAccount.objects.active().filter(user_id=user.pk).first()
    session = getattr(request, "session", None)
    if account is None or session is None:
        return
    if session.session_key is None:
        session.save()
    signed_in(
        [
            Session(
                session_key=session.session_key,
                user_id=user.pk,
                centre_id=account.centre_id,
                uci=account.uci,
                expires=session.get_expiry_date().timestamp(),
            )
        ]
    )


def _session_ended(sender, instance, **kwargs):
    forget_session(instance.session_key)


def _candidate_changed(sender, instance, **kwargs):
    transaction.on_commit(lambda: queries.forget_centre(instance.centre_id), robust=True)


def _series_changed(sender, instance, **kwargs):
    forget_releases()
    transaction.on_commit(forget_releases, robust=True)


def connect() -> None:
    """Hook what changes a remembered session or page to forgetting it (once, by the app)."""
    from django.contrib.auth import user_logged_in, user_logged_out
    from django.contrib.sessions.models import Session as StoredSession
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
    # A session deleted one by one (signing out, a flush, a key cycled at sign-in); those
    # cleared in bulk have expired, which every read checks.
    post_delete.connect(_session_ended, sender=StoredSession, dispatch_uid="learners.ended")
