"""On PostgreSQL, the API's call log refuses UPDATE and DELETE whoever asks, as the access logs do (requests_app
migration 0003): only lines older than ACCESS_LOG_DAYS may go."""

from django.db import migrations

CREATE = """
CREATE FUNCTION api_apicall_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.at < now() - interval '365 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'api_apicall is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER api_apicall_append_only
    BEFORE UPDATE OR DELETE ON api_apicall
    FOR EACH ROW EXECUTE FUNCTION api_apicall_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS api_apicall_append_only ON api_apicall;
DROP FUNCTION IF EXISTS api_apicall_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("api", "0001_tokens_and_call_log")]

    operations = [migrations.RunPython(create, drop)]
