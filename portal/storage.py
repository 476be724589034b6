"""Keeping stored files and database rows together."""

from contextlib import contextmanager
from contextvars import ContextVar

_saved_here: ContextVar[list | None] = ContextVar("files_saved_here", default=None)


@contextmanager
def files_discarded_on_failure():
    """Collect the files saved inside the block; delete them again if the block fails.

    Storage (a disk, S3) takes no part in database transactions: a row rolled back after
    its file was written would leave the file behind with nothing pointing at it. Put this
    outside ``transaction.atomic()`` and append each saved ``FieldFile`` to the list, or
    call ``discard_on_failure`` from code deeper down (``portal.uploads`` does).
    """
    saved = []
    token = _saved_here.set(saved)
    try:
        yield saved
    except BaseException:
        for field_file in saved:
            field_file.storage.delete(field_file.name)
        raise
    finally:
        _saved_here.reset(token)


def require_discarding() -> list:
    """The list of the innermost ``files_discarded_on_failure`` block; refuses to go on
    outside one, before anything is saved: a file would outlive a rolled-back row."""
    saved = _saved_here.get()
    if saved is None:
        raise RuntimeError(
            "Save files inside files_discarded_on_failure(), around the transaction that "
            "saves their rows."
        )
    return saved


def discard_on_failure(field_file) -> None:
    """Have the innermost ``files_discarded_on_failure`` block delete this file if it fails."""
    require_discarding().append(field_file)
