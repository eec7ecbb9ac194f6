"""On PostgreSQL, the access log refuses UPDATE and DELETE whoever asks, the ORM, the admin or a SQL console:
a log someone can edit proves nothing. Only lines older than a year may go (the retention task removes them).
Truncation (the tests' flush) stays possible, as only row triggers are set."""

from django.db import migrations

from core.append_only import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0002_access_log")]

    operations = [append_only_trigger("requests_app_accesslog")]
