"""The Cambridge charter's promise on publication orders: "if you order items from our
publications catalogue that are in stock we aim to get these to you within five working
days". Added to a database that already holds the charter; active only where the Cambridge
charter is the one in force (another awarding body's charter makes no such promise)."""

from django.db import migrations


def add_publications_order(apps, schema_editor):
    from portal.sla.charters import CAMBRIDGE

    ServiceLevel = apps.get_model("sla", "ServiceLevel")
    row = dict(next(r for r in CAMBRIDGE if r["code"] == "publications.order"))
    active = ServiceLevel.objects.filter(charter="cambridge", active=True).exists()
    ServiceLevel.objects.get_or_create(
        code=row.pop("code"), defaults={**row, "charter": "cambridge", "active": active}
    )


class Migration(migrations.Migration):
    dependencies = [("sla", "0008_clock_time_taken")]

    operations = [migrations.RunPython(add_publications_order, migrations.RunPython.noop)]
