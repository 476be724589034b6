"""Keeping stored files and database rows together."""

from contextlib import contextmanager


@contextmanager
def files_discarded_on_failure():
    """Collect the files saved inside the block; delete them again if the block fails.

    Storage (a disk, S3) takes no part in database transactions: a row rolled back after
    its file was written would leave the file behind with nothing pointing at it. Put this
    outside ``transaction.atomic()`` and append each saved ``FieldFile`` to the list.
    """
    saved = []
    try:
        yield saved
    except BaseException:
        for field_file in saved:
            field_file.storage.delete(field_file.name)
        raise
