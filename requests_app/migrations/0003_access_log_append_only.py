"""On PostgreSQL, the access log refuses UPDATE and DELETE whoever asks, the ORM, the admin or a SQL console:
a log someone can edit proves nothing. Only lines older than a year may go (the retention task removes them).
Truncation (the tests' flush) stays possible, as only row triggers are set."""

from django.db import migrations

CREATE = """
CREATE FUNCTION requests_app_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.at < now() - interval '365 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'requests_app_accesslog is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER requests_app_accesslog_append_only
    BEFORE UPDATE OR DELETE ON requests_app_accesslog
    FOR EACH ROW EXECUTE FUNCTION requests_app_accesslog_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS requests_app_accesslog_append_only ON requests_app_accesslog;
DROP FUNCTION IF EXISTS requests_app_accesslog_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0002_access_log")]

    operations = [migrations.RunPython(create, drop)]
