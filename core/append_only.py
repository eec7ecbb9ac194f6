"""The PostgreSQL row triggers that make a log table append-only (see `core.models.AppendOnly`), written once for
every log's migration: UPDATE and DELETE are refused whoever asks, the ORM, the admin or a SQL console, except the
deletion of lines older than a year (the retention tasks). Truncation (the tests' flush) stays possible, as only row
triggers are set. SQLite (`make run`) has no such trigger: the model's own refusal is all there is."""

from django.db import migrations


def create_sql(table: str) -> str:
    return f"""
CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.at < now() - interval '365 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '{table} is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {table}_append_only
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_append_only();
"""


def _drop_sql(table: str) -> str:
    return f"""
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
DROP FUNCTION IF EXISTS {table}_append_only();
"""


def append_only_trigger(table: str) -> migrations.RunPython:
    """The migration operation that sets (and, backwards, removes) the triggers on `table`."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(create_sql(table))

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(_drop_sql(table))

    return migrations.RunPython(create, drop)
