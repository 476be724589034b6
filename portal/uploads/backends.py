"""Where the parts of a resumable upload go: two backends behind one interface.

* ``S3Parts``, when the default storage is an S3 bucket: the bucket's own multipart upload.
  Browsers send each part straight to a presigned ``upload_part`` URL; the portal never
  carries the bytes, and asks the bucket which parts arrived.
* ``LocalParts``, the embedded default (files on the portal's disk): the portal serves the
  same protocol itself. A part's URL is a signed, expiring link back to the portal
  (``portal.uploads.views.receive_part``), whose ``PUT`` streams the body into place in the
  file at the part's offset, so the parts need no assembling and nothing is read whole.

Both answer parts as ``ReceivedPart(number, size, etag)`` and give a seekable reader of the
finished file that reads only what is asked of it (libmagic needs the first megabyte, an
Office package its last kilobytes), never the whole object at once.
"""

import hashlib
import io
import os
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.urls import reverse

from portal.uploads.models import Upload, UploadPart

CHUNK = 1024 * 1024
# Reading a whole file back to hash it: large reads, few system calls.
STREAM_CHUNK = 8 * CHUNK
PART_SALT = "portal.uploads.part"


@dataclass(frozen=True)
class ReceivedPart:
    number: int
    size: int
    etag: str


class PartRefused(Exception):
    """A part's body was not what its URL was given for (size, number, a cut connection)."""

    def __init__(self, message: str, *, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def backend_for(upload: Upload | None = None):
    """The backend of ``upload`` (as recorded when it started), or of new uploads."""
    kind = upload.backend if upload is not None else _current_kind()
    return S3Parts() if kind == Upload.Backend.S3 else LocalParts()


def _current_kind() -> str:
    from storages.backends.s3 import S3Storage

    if isinstance(default_storage, S3Storage):
        return Upload.Backend.S3
    try:
        default_storage.path("uploads")
    except NotImplementedError:
        raise RuntimeError(
            "Resumable uploads need an S3 bucket or storage on the portal's own disk."
        ) from None
    return Upload.Backend.LOCAL


def clean_etag(etag: str) -> str:
    return (etag or "").strip().removeprefix("W/").strip('"')


class LocalParts:
    kind = Upload.Backend.LOCAL

    def path(self, upload: Upload) -> str:
        return default_storage.path(upload.key)

    def create(self, upload: Upload) -> None:
        path = self.path(upload)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        # O_EXCL: keys are generated, so an existing file is somebody else's.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640))

    def part_url(self, upload: Upload, number: int, *, request) -> str:
        token = signing.dumps({"u": upload.public_id.hex, "n": number}, salt=PART_SALT)
        return request.build_absolute_uri(reverse("uploads:part", args=[token]))

    @staticmethod
    def read_token(token: str) -> tuple[str, int]:
        """The upload and part a URL was given for; ``signing.BadSignature`` (or its
        ``SignatureExpired``) when it was not given by the portal or is too old."""
        value = signing.loads(
            token, salt=PART_SALT, max_age=settings.UPLOADS_PART_URL_EXPIRE_SECONDS
        )
        return value["u"], int(value["n"])

    def write_part(self, upload: Upload, number: int, body, length: int) -> ReceivedPart:
        """Stream ``length`` bytes of ``body`` into the file at the part's offset.

        The part is recorded only once every byte is on disk (fsynced): a connection cut
        half way leaves no record, and the part is sent again. Its previous record, if any,
        goes first, since its bytes are being overwritten.
        """
        expected = upload.expected_part_size(number)
        if length != expected:
            raise PartRefused(
                f"Part {number} must be {expected} bytes (every part is {upload.part_size} "
                f"bytes but the last); this one is {length}."
            )
        UploadPart.objects.filter(upload=upload, number=number).delete()
        digest = hashlib.sha256()
        received = 0
        offset = (number - 1) * upload.part_size
        fd = os.open(self.path(upload), os.O_WRONLY)
        try:
            while received < length:
                chunk = body.read(min(CHUNK, length - received))
                if not chunk:
                    break
                os.pwrite(fd, chunk, offset + received)
                digest.update(chunk)
                received += len(chunk)
            if received != length:
                raise PartRefused(f"Part {number} arrived cut short; send it again.")
            os.fsync(fd)
        finally:
            os.close(fd)
        part = UploadPart.objects.create(
            upload=upload, number=number, size=received, etag=digest.hexdigest()[:32]
        )
        return ReceivedPart(part.number, part.size, part.etag)

    def received(self, upload: Upload) -> list[ReceivedPart]:
        return [
            ReceivedPart(p.number, p.size, p.etag)
            for p in UploadPart.objects.filter(upload=upload).order_by("number")
        ]

    def finish(self, upload: Upload, parts: list[ReceivedPart]) -> None:
        # The parts are already in place: the file is whole once the last one is written.
        path = self.path(upload)
        if os.path.getsize(path) != upload.size:
            os.truncate(path, upload.size)

    def abort(self, upload: Upload) -> None:
        UploadPart.objects.filter(upload=upload).delete()
        default_storage.delete(upload.key)

    def open(self, upload: Upload):
        return open(self.path(upload), "rb")

    def stream(self, upload: Upload):
        with open(self.path(upload), "rb") as file:
            while chunk := file.read(STREAM_CHUNK):
                yield chunk


class S3Parts:
    kind = Upload.Backend.S3

    def __init__(self):
        self.storage = default_storage
        self.client = default_storage.connection.meta.client
        self.bucket = default_storage.bucket_name

    def _key(self, upload: Upload) -> str:
        # The object's name in the bucket, with the storage's location prefix if it has one.
        return bucket_key(upload.key)

    def create(self, upload: Upload) -> None:
        answer = self.client.create_multipart_upload(
            Bucket=self.bucket,
            Key=self._key(upload),
            # Never the type the browser announced: the bucket serves nothing as HTML.
            ContentType="application/octet-stream",
        )
        upload.s3_upload_id = answer["UploadId"]

    def part_url(self, upload: Upload, number: int, *, request) -> str:
        # Imported here: boto3 is loaded only where files are kept in a bucket.
        from portal.s3 import presigning_client

        # Signed for the address the browser sends the part to (AWS_S3_PUBLIC_ENDPOINT_URL).
        return presigning_client(self.storage).generate_presigned_url(
            "upload_part",
            Params={
                "Bucket": self.bucket,
                "Key": self._key(upload),
                "UploadId": upload.s3_upload_id,
                "PartNumber": number,
            },
            ExpiresIn=settings.UPLOADS_PART_URL_EXPIRE_SECONDS,
        )

    def received(self, upload: Upload) -> list[ReceivedPart]:
        parts, marker = [], 0
        while True:
            answer = self.client.list_parts(
                Bucket=self.bucket,
                Key=self._key(upload),
                UploadId=upload.s3_upload_id,
                PartNumberMarker=marker,
                MaxParts=1000,
            )
            parts += [
                ReceivedPart(p["PartNumber"], p["Size"], clean_etag(p["ETag"]))
                for p in answer.get("Parts", [])
            ]
            if not answer.get("IsTruncated"):
                return parts
            marker = int(answer["NextPartNumberMarker"])

    def finish(self, upload: Upload, parts: list[ReceivedPart]) -> None:
        self.client.complete_multipart_upload(
            Bucket=self.bucket,
            Key=self._key(upload),
            UploadId=upload.s3_upload_id,
            MultipartUpload={
                "Parts": [{"PartNumber": p.number, "ETag": f'"{p.etag}"'} for p in parts]
            },
        )

    def abort(self, upload: Upload) -> None:
        from botocore.exceptions import ClientError

        try:
            self.client.abort_multipart_upload(
                Bucket=self.bucket, Key=self._key(upload), UploadId=upload.s3_upload_id
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "NoSuchUpload":
                raise
        self.storage.delete(upload.key)

    def open(self, upload: Upload):
        return open_stored(upload.key)

    def stream(self, upload: Upload):
        # One GET read as it arrives: a 5 GB object is never held, on disk or in memory.
        body = self.client.get_object(Bucket=self.bucket, Key=self._key(upload))["Body"]
        yield from body.iter_chunks(STREAM_CHUNK)


class _RangedObject(io.RawIOBase):
    """An S3 object as a seekable file: each read is one ranged GET of what is asked (the
    ``io.BufferedReader`` around it asks for a megabyte at a time)."""

    def __init__(self, client, bucket: str, key: str):
        self.client, self.bucket, self.key = client, bucket, key
        self.length = client.head_object(Bucket=bucket, Key=key)["ContentLength"]
        self.position = 0

    def readable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self.position

    def seek(self, offset, whence=io.SEEK_SET):
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.length}[whence]
        self.position = max(0, base + offset)
        return self.position

    def readinto(self, buffer):
        if self.position >= self.length or not len(buffer):
            return 0
        end = min(self.length, self.position + len(buffer)) - 1
        body = self.client.get_object(
            Bucket=self.bucket, Key=self.key, Range=f"bytes={self.position}-{end}"
        )["Body"]
        view = memoryview(buffer)
        filled = 0
        for chunk in body.iter_chunks(CHUNK):
            view[filled : filled + len(chunk)] = chunk
            filled += len(chunk)
        self.position += filled
        return filled


def bucket_key(key: str) -> str:
    """The object's name in the bucket for a storage key: the storage's location prefix, if
    it has one, goes in front (django-storages' own rule)."""
    from storages.utils import clean_name

    return default_storage._normalize_name(clean_name(key))


def open_stored(key: str):
    """A stored file opened for reading without fetching it whole: a ranged reader on S3
    (django-storages' own ``open`` downloads the entire object first), the file elsewhere."""
    from storages.backends.s3 import S3Storage

    if isinstance(default_storage, S3Storage):
        client = default_storage.connection.meta.client
        raw = _RangedObject(client, default_storage.bucket_name, bucket_key(key))
        return io.BufferedReader(raw, buffer_size=CHUNK)
    return default_storage.open(key, "rb")
