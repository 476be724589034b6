"""Writing uploaded bytes to the default storage under keys the portal generates."""

import hashlib
import uuid
from dataclasses import dataclass

from django.core.files import File
from django.core.files.storage import default_storage

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    sha256: str


class _HashingReader(File):
    """Hashes the bytes as the storage reads them, so a file is read once, not twice.

    A storage may seek back and read again (S3 retries a part): only bytes past the furthest
    point reached are hashed. Should it ever skip ahead, ``complete`` says so and the file
    is hashed in a second pass.
    """

    # What S3 records for the object: never the type the browser announced, so that even
    # the bucket itself would not serve an uploaded page as HTML.
    content_type = "application/octet-stream"

    def __init__(self, file):
        super().__init__(file, name=None)
        self.digest = hashlib.sha256()
        self.hashed = 0

    def read(self, size=-1):
        position = self.file.tell()
        data = self.file.read(size)
        if position <= self.hashed < position + len(data):
            self.digest.update(data[self.hashed - position :])
            self.hashed = position + len(data)
        return data

    @property
    def complete(self) -> bool:
        self.file.seek(0, 2)
        end = self.file.tell()
        self.file.seek(0)
        return self.hashed == end


def new_key(prefix: str = "uploads") -> str:
    return f"{prefix}/{uuid.uuid4().hex}"


def store(file, *, prefix: str = "uploads") -> StoredFile:
    """Stream an open file to the default storage under a new key; answer the key actually
    used (a storage never overwrites: on a clash it picks another), the size and SHA-256."""
    reader = _HashingReader(file)
    reader.seek(0)
    key = default_storage.save(new_key(prefix), reader)
    if reader.complete:
        return StoredFile(key=key, size=reader.hashed, sha256=reader.digest.hexdigest())
    return StoredFile(key=key, **measure(file))


def measure(file) -> dict:
    """The size and SHA-256 of an open file, read in chunks from the start."""
    digest = hashlib.sha256()
    size = 0
    file.seek(0)
    while chunk := file.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    file.seek(0)
    return {"size": size, "sha256": digest.hexdigest()}
