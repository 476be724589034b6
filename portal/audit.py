"""The audit trail: ``record(subject, action, by=..., ...)`` and ``history_of(subject)``."""

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from portal.core.models import AuditEvent


def record(
    subject: models.Model,
    action: str,
    *,
    by: Any = None,
    summary: str = "",
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> AuditEvent:
    actor = by if by is not None and getattr(by, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        at=at or timezone.now(),
        actor=actor,
        action=action,
        content_type=ContentType.objects.get_for_model(subject, for_concrete_model=False),
        object_id=str(subject.pk),
        summary=summary[:300],
        data=data or {},
    )


def history_of(subject: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(subject, for_concrete_model=False),
        object_id=str(subject.pk),
    ).select_related("actor")
