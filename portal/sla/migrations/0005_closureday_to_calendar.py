from django.db import migrations


class Migration(migrations.Migration):
    """Closure days move to the calendar app: the table is renamed, no row is touched."""

    dependencies = [("sla", "0004_clock_started_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="closureday", table="calendar_closureday"),
            ],
            state_operations=[migrations.DeleteModel(name="ClosureDay")],
        ),
    ]
