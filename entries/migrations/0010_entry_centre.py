from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    """Each entry keeps its candidate's centre (filled here from the candidates); the next
    migration makes it required, once these rows' constraint checks have run."""

    dependencies = [
        ('centres', '0005_centre_last_move_invitation_last_move'),
        ('entries', '0009_candidate_candidate_centre_uci'),
    ]

    operations = [
        migrations.AddField(
            model_name='entry',
            name='centre',
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name='+',
                to='centres.centre',
            ),
        ),
        migrations.RunSQL(
            'UPDATE entries_entry SET centre_id = (SELECT c.centre_id FROM entries_candidate c '
            'WHERE c.id = entries_entry.candidate_id)',
            migrations.RunSQL.noop,
        ),
    ]
