"""On PostgreSQL, the registers' access log refuses UPDATE and DELETE whoever asks, as requests_app's does
(requests_app migration 0003): only lines older than ACCESS_LOG_DAYS may go."""

from django.db import migrations

CREATE = """
CREATE FUNCTION campaigns_registeraccesslog_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.at < now() - interval '365 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'campaigns_registeraccesslog is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER campaigns_registeraccesslog_append_only
    BEFORE UPDATE OR DELETE ON campaigns_registeraccesslog
    FOR EACH ROW EXECUTE FUNCTION campaigns_registeraccesslog_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS campaigns_registeraccesslog_append_only ON campaigns_registeraccesslog;
DROP FUNCTION IF EXISTS campaigns_registeraccesslog_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
