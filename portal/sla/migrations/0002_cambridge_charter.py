"""The Cambridge charter as the portal's default service levels.

Rules that already exist are left as they are: staff own them once loaded, and
``load_charter cambridge`` is there to bring them back to the preset.
"""

from django.db import migrations


def load_cambridge(apps, schema_editor):
    from portal.sla.charters import CAMBRIDGE

    ServiceLevel = apps.get_model("sla", "ServiceLevel")
    for row in CAMBRIDGE:
        values = dict(row)
        ServiceLevel.objects.get_or_create(
            code=values.pop("code"), defaults={**values, "charter": "cambridge", "active": True}
        )


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]

    operations = [migrations.RunPython(load_cambridge, migrations.RunPython.noop)]
