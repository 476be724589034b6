"""Filling a case type's stored next deadline (``Case.next_due``) from its clocks, for the
migration that adds the column; from then on the clocks keep it (``portal.sla.services``)."""

from django.db.models import OuterRef, Q, Subquery

# ``portal.sla.models.WAITING`` in the historical models' terms.
WAITING = Q(state="running") | Q(state="breached", stopped_at__isnull=True)


def fill_next_due(*labels: str):
    """A ``RunPython`` function that stores, on every case of the models ``labels``
    ("complaints.Complaint"), the earliest due instant among its waiting clocks; only
    cases with such a clock are written."""

    def fill(apps, schema_editor):
        Clock = apps.get_model("sla", "Clock")
        ContentType = apps.get_model("contenttypes", "ContentType")
        for label in labels:
            model = apps.get_model(label)
            kinds = ContentType.objects.filter(
                app_label=model._meta.app_label, model=model._meta.model_name
            )
            waiting = Clock.objects.filter(WAITING, content_type__in=kinds, due_at__isnull=False)
            earliest = (
                waiting.filter(object_id=OuterRef("pk")).order_by("due_at").values("due_at")[:1]
            )
            model._base_manager.filter(pk__in=waiting.values("object_id")).update(
                next_due=Subquery(earliest)
            )

    return fill
