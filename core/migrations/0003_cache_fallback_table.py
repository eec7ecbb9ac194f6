"""The database cache the Redis cache falls back on (core/cache.py): created here rather than by a command someone
has to remember, so that every deployment has it before its first outage."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS core_cache_fallback")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_rate_limit_counter")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
