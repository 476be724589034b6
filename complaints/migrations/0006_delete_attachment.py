from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("complaints", "0005_attachments_to_uploads")]

    operations = [migrations.DeleteModel(name="Attachment")]
