"""A file attached to a case of any app.

The case is reached through a generic relation (content type and integer id, as service
clocks do), so one table, one download view and one serializer serve every case type. A
case declares ``files = AttachmentsRelation()`` to prefetch its files in one query.
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import Http404
from django.urls import reverse
from django.utils import timezone


class AttachmentQuerySet(models.QuerySet):
    def for_case(self, case):
        return self.filter(
            case_type=ContentType.objects.get_for_model(case, for_concrete_model=False),
            case_id=case.pk,
        )

    def labelled(self, **labels):
        """Files whose ``labels`` hold these values (``labelled(kind="rationale")``)."""
        # Key lookups rather than ``contains``, which SQLite (the embedded default) lacks.
        return self.filter(**{f"labels__{key}": value for key, value in labels.items()})

    def get_visible_or_404(self, user, *, public_id) -> "Attachment":
        """The attachment, if ``user`` may see its case; else 404, as if it did not exist.

        The case's own manager decides (``visible_to``), so a file is seen by exactly those
        who see its case; a case type that cannot say who sees it shows its files to no one.
        """
        attachment = self.select_related("case_type").filter(public_id=public_id).first()
        model = attachment.case_type.model_class() if attachment is not None else None
        visible_to = getattr(getattr(model, "_default_manager", None), "visible_to", None)
        if visible_to is None or not visible_to(user).filter(pk=attachment.case_id).exists():
            raise Http404("No file matches the given query.")
        return attachment


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
    # What the file is to its case, in the case type's own words (a QA request's files are
    # ``{"kind": "evidence", "candidate_number": "0001"}``); the kit never reads them.
    labels = models.JSONField(default=dict, blank=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["case_type", "case_id"], name="attachment_case")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("uploads:file", args=[self.public_id])

    def get_api_url(self):
        return reverse("api-file", args=[self.public_id])


class AttachmentsRelation(GenericRelation):
    """``files = AttachmentsRelation()`` on a case: its attachments, prefetchable, and
    deleted with it (their stored bytes are not: see the README)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("content_type_field", "case_type")
        kwargs.setdefault("object_id_field", "case_id")
        kwargs.setdefault("for_concrete_model", False)
        super().__init__("uploads.Attachment", **kwargs)
