"""A file attached to a case of any app, and a resumable upload on its way to becoming one.

The case is reached through a generic relation (content type and integer id, as service
clocks do), so one table, one download view and one serializer serve every case type. A
case declares ``files = AttachmentsRelation()`` to prefetch its files in one query.
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from portal.workflow import Moves, RecordsMoves, move


def _visible_case_or_404(user, row, what: str):
    """``row`` (an attachment or an upload) if ``user`` may see its case; else 404.

    The case's own manager decides (``visible_to``), so a file is seen by exactly those
    who see its case; a case type that cannot say who sees it shows its files to no one.
    """
    model = row.case_type.model_class() if row is not None else None
    visible_to = getattr(getattr(model, "_default_manager", None), "visible_to", None)
    if visible_to is None or not visible_to(user).filter(pk=row.case_id).exists():
        raise Http404(f"No {what} matches the given query.")
    return row


class Scan(models.TextChoices):
    """What the malware scan found. Only ``clean`` means scanned and clean: a file clamd
    could not take (too large), or stored where no scanner runs, is ``not_scanned``."""

    PENDING = "pending", "Waiting for the malware scan"
    CLEAN = "clean", "Scanned: no malware found"
    INFECTED = "infected", "Malware found: quarantined"
    NOT_SCANNED = "not_scanned", "Not scanned for malware"


# Not scanned, yet handed to the scanner (``scanned_at`` is set only when clamd answered):
# it stopped short of the end, at one of its limits.
_FAILED_SCAN = Q(scan=Scan.NOT_SCANNED, scanned_at__isnull=False)


class AttachmentQuerySet(models.QuerySet):
    def for_case(self, case):
        return self.filter(
            case_type=ContentType.objects.get_for_model(case, for_concrete_model=False),
            case_id=case.pk,
        )

    def delivered(self):
        """Files that count as sent: not those found infected, nor those the scanner was
        given but could not read whole (``failed_scan``): either may hide anything.

        A file that waits for its scan counts (the case type decides whether to wait for it:
        see ``pending_scan``); one never given to a scanner (none configured, or larger than
        it takes) counts too, as the deployment chose."""
        return self.exclude(scan=Scan.INFECTED).exclude(_FAILED_SCAN)

    def undelivered(self):
        """The files ``delivered`` leaves out: the centre is to replace them."""
        return self.filter(Q(scan=Scan.INFECTED) | _FAILED_SCAN)

    def labelled(self, **labels):
        """Files whose ``labels`` hold these values (``labelled(kind="rationale")``)."""
        # Key lookups rather than ``contains``, which SQLite (the embedded default) lacks.
        return self.filter(**{f"labels__{key}": value for key, value in labels.items()})

    def get_visible_or_404(self, user, *, public_id) -> "Attachment":
        """The attachment, if ``user`` may see its case; else 404, as if it did not exist."""
        attachment = self.select_related("case_type").filter(public_id=public_id).first()
        return _visible_case_or_404(user, attachment, "file")


class Attachment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    # A number: cases have integer keys, and a number lets a case prefetch its files.
    case_id = models.PositiveBigIntegerField()
    # Proxies stay themselves, as for clocks: a case is the model its app declared.
    case = GenericForeignKey("case_type", "case_id", for_concrete_model=False)
    # A generated key; the name the person gave the file never reaches the storage.
    file = models.FileField(max_length=255)
    name = models.CharField(max_length=255, help_text="As uploaded; for display only.")
    content_type = models.CharField(max_length=150, help_text="As detected from the content.")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A default rather than auto_now_add: files moved here from older tables keep their date.
    uploaded_at = models.DateTimeField(default=timezone.now)
    # What the case type said about the file when it was sent (``{"kind": "evidence",
    # "candidate_number": "0001"}``): the kit keeps it, the case type reads it.
    labels = models.JSONField(default=dict, blank=True)
    scan = models.CharField(max_length=12, choices=Scan.choices, default=Scan.NOT_SCANNED)
    scan_detail = models.CharField(
        max_length=200, blank=True, help_text="What was found, or why it was not scanned."
    )
    # When clamd answered about the file; empty while pending, and for a file never sent to
    # it (no scanner configured, or larger than it takes).
    scanned_at = models.DateTimeField(null=True, blank=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        indexes = [
            models.Index(fields=["case_type", "case_id"], name="attachment_case"),
            # /metrics counts the files waiting for their scan: only those enter this index.
            models.Index(
                fields=["uploaded_at"], condition=Q(scan="pending"), name="attachment_scan_pending"
            ),
        ]
        permissions = [("fetch_quarantined", "Can download files quarantined as infected")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("uploads:file", args=[self.public_id])

    def get_api_url(self):
        return reverse("api-file", args=[self.public_id])

    @property
    def quarantined(self) -> bool:
        return self.scan == Scan.INFECTED

    @property
    def failed_scan(self) -> bool:
        return self.scan == Scan.NOT_SCANNED and self.scanned_at is not None

    @property
    def delivered(self) -> bool:
        """Counts as sent (``AttachmentQuerySet.delivered``, for one file)."""
        return not (self.quarantined or self.failed_scan)

    @property
    def scan_pending(self) -> bool:
        return self.scan == Scan.PENDING


class AttachmentsRelation(GenericRelation):
    """``files = AttachmentsRelation()`` on a case: its attachments, prefetchable, and
    deleted with it (their stored bytes are not: see the README)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("content_type_field", "case_type")
        kwargs.setdefault("object_id_field", "case_id")
        kwargs.setdefault("for_concrete_model", False)
        super().__init__("uploads.Attachment", **kwargs)


class UploadQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The uploads of the cases ``user`` sees, whatever their case types (one subquery
        per case type that has uploads)."""
        wanted = models.Q(pk__in=[])
        for type_id in self.values_list("case_type", flat=True).distinct().order_by():
            model = ContentType.objects.get_for_id(type_id).model_class()
            visible_to = getattr(getattr(model, "_default_manager", None), "visible_to", None)
            if visible_to is not None:
                wanted |= models.Q(case_type_id=type_id, case_id__in=visible_to(user).values("pk"))
        return self.filter(wanted)

    def get_visible_or_404(self, user, *, public_id) -> "Upload":
        """The upload, if ``user`` may see its case; else 404, as if it did not exist."""
        upload = self.select_related("case_type").filter(public_id=public_id).first()
        return _visible_case_or_404(user, upload, "upload")


class Upload(RecordsMoves):
    """A file on its way to a case in parts (the S3 multipart protocol): started with its
    name and size, its parts sent to URLs the portal gives out, then completed into an
    ``Attachment`` or abandoned. See ``portal.uploads.resumable``."""

    class Status(models.TextChoices):
        UPLOADING = "uploading", "Uploading"
        COMPLETE = "complete", "Complete"
        ABORTED = "aborted", "Abandoned"

    class Backend(models.TextChoices):
        # Parts go to the portal, which writes them into local storage.
        LOCAL = "local", "Local storage"
        # Parts go straight to the bucket on presigned URLs.
        S3 = "s3", "S3"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    case_id = models.PositiveBigIntegerField()
    case = GenericForeignKey("case_type", "case_id", for_concrete_model=False)
    policy = models.CharField(max_length=150, help_text="The name of the upload policy.")
    labels = models.JSONField(default=dict, blank=True)
    filename = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(help_text="As announced, in bytes.")
    part_size = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADING)
    backend = models.CharField(max_length=5, choices=Backend.choices)
    # Where the parts are assembled: a generated key, as for any stored file.
    key = models.CharField(max_length=255, unique=True)
    s3_upload_id = models.CharField(max_length=1024, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    attachment = models.OneToOneField(
        Attachment, null=True, blank=True, on_delete=models.SET_NULL, related_name="upload"
    )

    MOVES = Moves(
        [
            move(
                "complete",
                sources=[Status.UPLOADING],
                to=Status.COMPLETE,
                centre=True,
                permission="uploads.change_upload",
            ),
            move(
                "abort",
                sources=[Status.UPLOADING],
                to=Status.ABORTED,
                centre=True,
                permission="uploads.change_upload",
                label="Abandon",
            ),
        ]
    )

    objects = UploadQuerySet.as_manager()

    class Meta:
        ordering = ["started_at", "pk"]
        indexes = [
            models.Index(fields=["case_type", "case_id"], name="upload_case"),
            # The sweep of abandoned uploads reads only those still open.
            models.Index(
                fields=["started_at"],
                name="upload_open_started",
                condition=models.Q(status="uploading"),
            ),
        ]

    def __str__(self):
        return self.filename

    @property
    def centre_id(self):
        """The centre of the upload's case: its officers may complete or abandon it."""
        return getattr(self.case, "centre_id", None)

    @property
    def part_count(self) -> int:
        return max(1, -(-self.size // self.part_size))

    def expected_part_size(self, number: int) -> int:
        """Every part is ``part_size`` bytes but the last, which holds what is left."""
        if number < self.part_count:
            return self.part_size
        return self.size - self.part_size * (self.part_count - 1)


class UploadPart(models.Model):
    """A part that arrived whole at the portal (local storage; S3 keeps its own list)."""

    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="parts")
    number = models.PositiveIntegerField()
    size = models.PositiveBigIntegerField()
    etag = models.CharField(max_length=80)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["upload", "number"], name="upload_part_once")
        ]

    def __str__(self):
        return f"part {self.number}"
