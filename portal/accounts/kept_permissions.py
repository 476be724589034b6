"""A person's permissions (their own and their roles'), kept in the cache between requests.

Every request of staff asks about permissions (a queue's role, each case's moves), and
reading them is a query joining four tables: about a millisecond of every staff request,
most of it PostgreSQL planning it (measured at full size). They change rarely: when a
person's roles or own permissions change, when a role's permissions change (``sync_roles``
after a migration), when a role or permission is removed.

Each person's are kept under the cache's current *generation*, a random name that every such
change replaces (``forget_all``): an entry of another generation is never used. A change
replaces it at once and again when its transaction commits, so that a request that read the
old permissions while the change was being made cannot keep them under the new generation.
The generation is written whatever this process thinks of Redis (never skipped as a cache
miss would be); if Redis cannot take it, a queued task writes it as soon as it can
(``accounts.forget_kept_permissions``), and until Redis answers every request reads the
database. Every migrate replaces it too (``sync_roles_after_migrate``): a data migration's
models send their signals under other names. What changes the tables without Django's
signals (raw SQL, ``bulk_create`` or ``update`` on the tables between) must call
``forget_all``; an entry is kept ``KEEP_SECONDS`` at most in any case.
"""

import logging
import uuid

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

GENERATION_KEY = "accounts:permissions:generation"
KEEP_SECONDS = 300


def _key(user_pk: int) -> str:
    return f"accounts:permissions:{user_pk}"


Kept = tuple[set[str], set[str]]


def recall(user_pk: int) -> tuple[Kept | None, str | None]:
    """The person's (own, by role) permissions kept under the current generation, or None;
    and the current generation to keep them under once read (None: keep nothing now)."""
    key = _key(user_pk)
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        # None yet (or evicted): one is made, and nothing is kept until it is read back.
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        return None, None
    entry = found.get(key)
    if entry is not None and entry[0] == generation:
        return (set(entry[1]), set(entry[2])), generation
    return None, generation


def keep(user_pk: int, generation: str, own: set[str], roles: set[str]) -> None:
    cache.set(_key(user_pk), (generation, sorted(own), sorted(roles)), KEEP_SECONDS)


def forget_all() -> None:
    """Every person's kept permissions are read again: now, and after the transaction
    under way (if any) commits."""
    _new_generation_or_queue()
    transaction.on_commit(_new_generation_or_queue, robust=True)


def new_generation() -> None:
    """A new generation, now; raises if the cache cannot take it."""
    generation = {GENERATION_KEY: uuid.uuid4().hex}
    getattr(cache, "set_many_strictly", cache.set_many)(generation, None)


def _new_generation_or_queue() -> None:
    try:
        new_generation()
    except Exception:
        logger.exception("Could not replace the generation of kept permissions: queued")
        from portal.outbox.services import enqueue

        enqueue("accounts.forget_kept_permissions")


def _changed(sender: object, **kwargs: object) -> None:
    if str(kwargs.get("action", "post_")).startswith("post_"):
        forget_all()


def connect() -> None:
    """Forget on every change of who has which permission (``AccountsConfig.ready``)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db.models.signals import m2m_changed, post_delete, post_save

    User = get_user_model()
    betweens = (User.groups.through, User.user_permissions.through, Group.permissions.through)
    for through in betweens:
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"kept:m2m:{through.__name__}")
    # A role or permission removed takes its rows between with it, with no m2m_changed (and
    # a row between may be saved or deleted as a model of its own); a content type renamed
    # renames its permissions.
    for model in (Group, Permission, ContentType, *betweens):
        for signal in (post_save, post_delete):
            signal.connect(_changed, sender=model, dispatch_uid=f"kept:{model.__name__}")
