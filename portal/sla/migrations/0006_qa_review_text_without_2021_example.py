"""The QA review's limit no longer quotes the seed's example of a 2021 series. A row staff
have changed since it was loaded is left as they wrote it."""

from django.db import migrations

OLD = "set per series by staff (June 2021: by 14 July)"


def drop_the_2021_example(apps, schema_editor):
    from portal.sla.charters import QA_REVIEW_TEXT

    ServiceLevel = apps.get_model("sla", "ServiceLevel")
    ServiceLevel.objects.filter(code="qa.review", limit_text=OLD).update(limit_text=QA_REVIEW_TEXT)


class Migration(migrations.Migration):
    dependencies = [("sla", "0005_closureday_to_calendar")]

    operations = [migrations.RunPython(drop_the_2021_example, migrations.RunPython.noop)]
