from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):

    dependencies = [
        ('centres', '0005_centre_last_move_invitation_last_move'),
        ('entries', '0010_entry_centre'),
    ]

    operations = [
        migrations.AlterField(
            model_name='entry',
            name='centre',
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name='+',
                to='centres.centre',
            ),
        ),
        migrations.AddIndex(
            model_name='entry',
            index=models.Index(fields=['centre', 'id'], name='entry_centre_order'),
        ),
    ]
