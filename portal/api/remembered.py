"""Exams officers' API tokens, checked once and remembered in the cache by every process.

On results day thousands of school systems ask for their results in the same minute, each
with its token. Checking a token costs a database read (and, at most once a minute, a write
of when it was last used). A read that may answer from the cache (the officers' results)
asks ``recall`` first: a token checked in the last ``REMEMBER_SECONDS`` by any process is
answered from one cache read, with the centres its owner is an officer of.

What would make a remembered token wrong forgets it when committed, in every process at
once: the token deleted (signed out, revoked), the person's memberships changed, the person
changed (made inactive, made staff). Forgetting leaves a mark for ``REMEMBER_SECONDS`` and
remembering only fills an empty place (``add``): a request that checked the token just
before the change committed cannot remember it again after. A token's expiry is remembered
with it and checked on every recall. Staff tokens are never remembered: staff need their
two-factor sign-in and their roles checked on every request.

``last_used_at`` is written as before, by the full check: at most ``REMEMBER_SECONDS`` late.

A process also keeps a hint of each token's centres (``hint``), so that a read can ask for
its answer and for the token's memory in one round trip, and take the answer only if the
memory is there and names the same centres (``confirms``): the hint saves a round trip,
never a check.
"""

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from knox.crypto import hash_token

logger = logging.getLogger(__name__)

REMEMBER_SECONDS = 5 * 60
# What a forgotten token's place holds until the mark runs out: nothing to recall.
FORGOTTEN = 0
MOST_HINTS = 50_000

_hints: dict[str, frozenset[int]] = {}


@dataclass(frozen=True)
class RememberedOfficer:
    user_id: int
    centre_ids: frozenset[int]


def key_of(digest: str) -> str:
    # The digest is knox's own (the token table's primary key), hashed again for the key.
    return f"api:officer-token:{hashlib.sha256(digest.encode()).hexdigest()}"


def digest_of(token: str) -> str | None:
    """knox's digest of a raw token, or None for one that is not even well formed."""
    try:
        return hash_token(token)
    except (TypeError, ValueError, UnicodeError):
        return None


def _live(found, now: float) -> bool:
    return bool(found) and (found[2] is None or found[2] > now)


def recall(digest: str, *, now: float) -> RememberedOfficer | None:
    """The officer a token (by its digest) belongs to, if some process checked it lately
    and nothing has changed since; None otherwise (take the usual way)."""
    found = cache.get(key_of(digest))
    if not _live(found, now):
        return None
    user_id, centre_ids, _ = found
    _note(digest, centre_ids)
    return RememberedOfficer(user_id=user_id, centre_ids=frozenset(centre_ids))


def _note(digest: str, centre_ids) -> None:
    if len(_hints) >= MOST_HINTS:
        _hints.clear()
    _hints[digest] = frozenset(centre_ids)


def hint(digest: str) -> frozenset[int] | None:
    """The centres this process last saw remembered for a token: to be confirmed."""
    return _hints.get(digest)


def confirms(centre_ids: frozenset[int], *, now: float):
    """A test of a token's memory, read with the answer, for a read made on a hint: the
    token is still remembered, unexpired, with these centres."""

    def test(found) -> bool:
        return _live(found, now) and frozenset(found[1]) == centre_ids

    return test


def remember(auth_token, user, centre_ids) -> None:
    """Remember a token the usual check has just accepted, if its owner is an officer."""
    if user.is_staff or not user.is_active:
        return
    expires = auth_token.expiry.timestamp() if auth_token.expiry is not None else None
    memory = (user.pk, sorted(centre_ids), expires)
    if cache.add(key_of(auth_token.digest), memory, REMEMBER_SECONDS):
        _note(auth_token.digest, centre_ids)


def remember_officers_of(centre_ids, *, now: dt.datetime) -> int:
    """Remember every live token of the officers of ``centre_ids`` (the release sweep:
    their systems all ask in the first minute), each with all of its owner's centres;
    answer how many were newly remembered."""
    from portal.accounts.models import ApiToken
    from portal.centres.models import Membership

    people = set(
        Membership.objects.filter(
            centre_id__in=centre_ids, user__is_active=True, user__is_staff=False
        ).values_list("user_id", flat=True)
    )
    centres: dict[int, set[int]] = {}
    for user_id, centre_id in Membership.objects.filter(user_id__in=people).values_list(
        "user_id", "centre_id"
    ):
        centres.setdefault(user_id, set()).add(centre_id)
    memories = {
        key_of(digest): (user_id, sorted(centres[user_id]), expiry.timestamp() if expiry else None)
        for digest, user_id, expiry in ApiToken.objects.live(now)
        .filter(user_id__in=people)
        .values_list("digest", "user_id", "expiry")
        .iterator(chunk_size=2000)
    }
    # One by one: a token forgotten a moment ago keeps its mark.
    return sum(cache.add(key, memory, REMEMBER_SECONDS) for key, memory in memories.items())


def forget_digests(digests=(), *, user_ids=()) -> None:
    """Forget these tokens, and every token of these people, once the change commits; and
    keep them from being remembered again by a request that checked them before it did.

    The people's tokens are listed after the commit, so that a token issued while the
    change was under way is among them. The marks are written whatever this process thinks
    of Redis (never skipped as a cache miss would be); if Redis cannot take them, a queued
    task writes them as soon as it can (``accounts.forget_remembered_tokens``).
    """
    digests, user_ids = list(digests), list(user_ids)
    if digests or user_ids:
        transaction.on_commit(lambda: _forget_now(digests, user_ids), robust=True)


def _forget_now(digests: list[str], user_ids: list[int]) -> None:
    from portal.accounts.models import ApiToken

    if user_ids:
        digests += ApiToken.objects.filter(user_id__in=user_ids).values_list("digest", flat=True)
    if not digests:
        return
    try:
        write_marks(digests)
    except Exception:
        logger.exception("Could not forget %d remembered API tokens: queued", len(digests))
        from portal.outbox.services import enqueue

        enqueue("accounts.forget_remembered_tokens", digests=digests)


def write_marks(digests) -> None:
    """Mark these tokens forgotten, now; raises if the cache cannot take it."""
    marks = {key_of(d): FORGOTTEN for d in digests}
    getattr(cache, "set_many_strictly", cache.set_many)(marks, REMEMBER_SECONDS)


def forget_user(user_id: int) -> None:
    """Forget every remembered token of one person (after the commit)."""
    forget_digests(user_ids=[user_id])


def _token_deleted(sender, instance, **kwargs):
    forget_digests([instance.digest])


def _person_changed(sender, instance, update_fields=None, **kwargs):
    # Signing in writes ``last_login`` alone: nothing a remembered token depends on.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    forget_user(instance.pk)


def _membership_changing(sender, instance, **kwargs):
    # A membership given to another person leaves the first one's centres: forget both.
    if instance.pk is not None:
        instance._remembered_before = (
            type(instance).objects.filter(pk=instance.pk).values_list("user_id", flat=True).first()
        )


def _membership_changed(sender, instance, **kwargs):
    before = getattr(instance, "_remembered_before", None)
    forget_digests(user_ids=sorted({instance.user_id, before} - {None}))


def connect() -> None:
    """Hook what changes a remembered token to forgetting it (called once, by the app).
    A person deleted takes their tokens with them: each token's deletion forgets it."""
    from portal.accounts.models import ApiToken, User
    from portal.centres.models import Membership

    post_delete.connect(_token_deleted, sender=ApiToken, dispatch_uid="remembered.token")
    post_save.connect(_person_changed, sender=User, dispatch_uid="remembered.person")
    pre_save.connect(_membership_changing, sender=Membership, dispatch_uid="remembered.moving")
    post_save.connect(_membership_changed, sender=Membership, dispatch_uid="remembered.joined")
    post_delete.connect(_membership_changed, sender=Membership, dispatch_uid="remembered.left")
