"""Human references for cases: PREFIX-YEAR-NNNNNN, unique, handed out without gaps per year."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from portal.core.models import ReferenceSequence


def next_reference(prefix: str, *, at: dt.datetime | None = None) -> str:
    year = (at or timezone.now()).year
    with transaction.atomic():
        # The row lock makes two concurrent cases wait for each other, never share a number.
        sequence, _ = ReferenceSequence.objects.select_for_update().get_or_create(
            prefix=prefix, year=year
        )
        sequence.last += 1
        sequence.save(update_fields=["last"])
    return f"{prefix}-{year}-{sequence.last:06d}"
