from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0003_complaint_centre_via_case_base"),
        ("uploads", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="files",
            field=models.ManyToManyField(blank=True, related_name="+", to="uploads.attachment"),
        ),
    ]
