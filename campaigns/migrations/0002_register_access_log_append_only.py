"""On PostgreSQL, the registers' access log refuses UPDATE and DELETE whoever asks, as requests_app's does
(requests_app migration 0003): only lines older than ACCESS_LOG_DAYS may go."""

from django.db import migrations

from core.append_only import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]

    operations = [append_only_trigger("campaigns_registeraccesslog")]
