"""On PostgreSQL, the log of who opened a volunteer's document refuses UPDATE and DELETE whoever asks, as the
requests' access log does (requests_app migration 0003): lines go only after a year, by the retention."""

from django.db import migrations

from core.append_only import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0006_vetting_documents")]

    operations = [append_only_trigger("volunteers_vettingdocumentaccess")]
