"""The bucket: the storage that presigns for browsers, preparing the bucket, backing it up.

Inside a deployment the portal reaches its S3 server by a name only that network resolves
(``http://s3:8333`` in docker-compose.yml), while browsers send upload parts and fetch
downloads at the public address. A presigned URL is signed for the host it names, so it
cannot be rewritten afterwards: URLs given to browsers are signed by a client of the public
address (``AWS_S3_PUBLIC_ENDPOINT_URL``), everything else goes to the internal one.
"""

import threading
from pathlib import Path

from django.conf import settings
from storages.backends.s3 import S3Storage


class PortalS3Storage(S3Storage):
    """django-storages' S3 storage whose presigned URLs name the public endpoint."""

    def __init__(self, **options):
        self.public_endpoint_url = options.pop("public_endpoint_url", None) or None
        self._public_connections = threading.local()
        super().__init__(**options)

    @property
    def presigning_client(self):
        """The boto3 client whose URLs a browser can use."""
        if not self.public_endpoint_url:
            return self.connection.meta.client
        client = getattr(self._public_connections, "client", None)
        if client is None:
            client = (
                self._create_session()
                .resource(
                    "s3",
                    region_name=self.region_name,
                    use_ssl=self.use_ssl,
                    endpoint_url=self.public_endpoint_url,
                    config=self.client_config,
                    verify=self.verify,
                )
                .meta.client
            )
            self._public_connections.client = client
        return client

    def url(self, name, parameters=None, expire=None, http_method=None):
        if not self.public_endpoint_url or self.custom_domain or not self.querystring_auth:
            return super().url(name, parameters=parameters, expire=expire, http_method=http_method)
        params = dict(parameters or {})
        params["Bucket"] = self.bucket_name
        params["Key"] = self._normalize_name(name)
        return self.presigning_client.generate_presigned_url(
            "get_object",
            Params=params,
            ExpiresIn=self.querystring_expire if expire is None else expire,
            HttpMethod=http_method,
        )


def presigning_client(storage):
    """The client that signs URLs handed to browsers for ``storage`` (an S3 storage)."""
    return getattr(storage, "presigning_client", None) or storage.connection.meta.client


def prepare_bucket(storage, *, origins: list[str]) -> list[str]:
    """Create the bucket if it is missing and let ``origins`` send parts to it (CORS).

    Safe to run at every deployment, and twice at once: a bucket made meanwhile by another
    run is taken as it is. Answers what was done, for the log.
    """
    from botocore.exceptions import ClientError

    client = storage.connection.meta.client
    bucket = storage.bucket_name
    done = []
    try:
        client.head_bucket(Bucket=bucket)
    except ClientError:
        try:
            client.create_bucket(Bucket=bucket)
            done.append(f"created bucket {bucket}")
        except ClientError as error:
            if error.response["Error"]["Code"] not in ("BucketAlreadyOwnedByYou",):
                raise
    # Browsers PUT the parts of a resumable upload straight to the bucket and read each
    # part's ETag to complete it: the portal's own origins, PUT, and ETag exposed.
    client.put_bucket_cors(
        Bucket=bucket,
        CORSConfiguration={
            "CORSRules": [
                {
                    "AllowedOrigins": origins,
                    "AllowedMethods": ["PUT", "GET", "HEAD"],
                    "AllowedHeaders": ["*"],
                    "ExposeHeaders": ["ETag"],
                    "MaxAgeSeconds": 3600,
                }
            ]
        },
    )
    done.append(f"CORS of {bucket}: {', '.join(origins)}")
    return done


def backup_bucket(storage, folder: Path) -> int:
    """Copy every object of the bucket into ``folder`` (keys as paths); answers how many.

    Objects already there with the same size are skipped: a second run copies only what is
    new (keys are never reused, files are never overwritten).
    """
    client = storage.connection.meta.client
    count = 0
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=storage.bucket_name):
        for item in page.get("Contents", []):
            target = _inside(folder, item["Key"])
            if target.exists() and target.stat().st_size == item["Size"]:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".partial")
            client.download_file(storage.bucket_name, item["Key"], str(partial))
            partial.rename(target)
            count += 1
    return count


def restore_bucket(storage, folder: Path) -> int:
    """Upload every file under ``folder`` to the bucket under its relative path as the key;
    answers how many. Keys already in the bucket with the same size are skipped."""
    client = storage.connection.meta.client
    present = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=storage.bucket_name):
        present.update({item["Key"]: item["Size"] for item in page.get("Contents", [])})
    count = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.name.endswith(".partial"):
            continue
        key = path.relative_to(folder).as_posix()
        if present.get(key) == path.stat().st_size:
            continue
        client.upload_file(
            str(path),
            storage.bucket_name,
            key,
            ExtraArgs={"ContentType": "application/octet-stream"},
        )
        count += 1
    return count


def _inside(folder: Path, key: str) -> Path:
    target = (folder / key).resolve()
    if not target.is_relative_to(folder.resolve()):
        raise ValueError(f"object key {key!r} would leave the backup folder")
    return target


def origins_of_portal() -> list[str]:
    from urllib.parse import urlsplit

    origins = [settings.PORTAL_BASE_URL, *settings.CSRF_TRUSTED_ORIGINS]
    return sorted({f"{urlsplit(o).scheme}://{urlsplit(o).netloc}" for o in origins})
