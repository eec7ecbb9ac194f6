"""On PostgreSQL, the API's call log refuses UPDATE and DELETE whoever asks, as the access logs do (requests_app
migration 0003): only lines older than ACCESS_LOG_DAYS may go."""

from django.db import migrations

from core.append_only import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("api", "0001_tokens_and_call_log")]

    operations = [append_only_trigger("api_apicall")]
