"""Publications centres order from the catalogue staff keep.

The customer commitment: "if you order items from our publications catalogue that are in
stock we aim to get these to you within five working days" (``publications.order``). An
order of an item out of stock is taken all the same, without that promise.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from portal.cases.models import Case
from portal.workflow import Moves, move

PUBLICATIONS_ORDER = "publications.order"
CHANGE_ORDER = "publications.change_publicationorder"
MOST_COPIES = 50


class PublicationQuerySet(models.QuerySet):
    def listed(self):
        return self.filter(listed=True)


class Publication(models.Model):
    """One item of the catalogue: a syllabus booklet, a handbook, a set of past papers."""

    code = models.CharField(
        max_length=20,
        unique=True,
        validators=[RegexValidator(r"^[A-Z0-9][A-Z0-9-]*$", "Capital letters, digits and -.")],
    )
    title = models.CharField(max_length=200)
    in_stock = models.BooleanField(
        default=True, help_text="In stock: we promise despatch within 5 working days."
    )
    listed = models.BooleanField(default=True, help_text="Shown to centres in the catalogue.")

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return f"{self.title} ({self.code})"


class PublicationOrder(Case):
    class Status(models.TextChoices):
        ORDERED = "ordered", "Ordered"
        DESPATCHED = "despatched", "Despatched"

    MOVES = Moves(
        [
            move(
                "despatch",
                sources=[Status.ORDERED],
                to=Status.DESPATCHED,
                permission=CHANGE_ORDER,
                label="Record the despatch",
            ),
        ]
    )
    OPEN_STATUSES = [Status.ORDERED]
    REFERENCE_PREFIX = "PUB"

    status = models.CharField(max_length=20, choices=Status, default=Status.ORDERED)
    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="orders")
    copies = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(MOST_COPIES)]
    )
    in_stock = models.BooleanField(help_text="Whether the item was in stock when ordered.")
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    despatched_at = models.DateTimeField(null=True, blank=True)
    despatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(Case.Meta):
        verbose_name = "publication order"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.reference} {self.publication.code} × {self.copies}"
