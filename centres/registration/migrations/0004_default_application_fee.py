from decimal import Decimal

from django.db import migrations


def default_fee(apps, schema_editor):
    """A fee for every country, until the registration team sets their own."""
    Fee = apps.get_model("registration", "ApplicationFee")
    Fee.objects.get_or_create(
        country="", defaults={"currency": "GBP", "amount": Decimal("1250.00")}
    )


class Migration(migrations.Migration):
    dependencies = [("registration", "0003_centre_applications")]

    operations = [migrations.RunPython(default_fee, migrations.RunPython.noop)]
