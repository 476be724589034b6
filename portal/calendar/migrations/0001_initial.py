from django.db import migrations, models


def keep_content_type(apps, schema_editor):
    # Permissions and audit rows of closure days point at this content type: it moves with
    # the model instead of being created anew.
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="calendar", model="closureday").exists():
        ContentType.objects.filter(app_label="sla", model="closureday").update(
            app_label="calendar"
        )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("sla", "0005_closureday_to_calendar"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ClosureDay",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("day", models.DateField(unique=True)),
                        ("reason", models.CharField(max_length=200)),
                    ],
                    options={"ordering": ["day"]},
                ),
            ],
        ),
        migrations.RunPython(keep_content_type, migrations.RunPython.noop),
    ]
