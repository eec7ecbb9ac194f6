"""What every benchmark does before measuring: its own database, created and migrated once, and a progress bar
while it seeds. Imported after django.setup()."""

import sys

from django.core.management import call_command
from django.db import connections
from psycopg import connect


def progress(label: str, done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stdout.write(f"\r{label:<12} [{'#' * filled}{'.' * (width - filled)}] {done:>9,}/{total:,}")
    sys.stdout.flush()
    if done >= total:
        sys.stdout.write("\n")


def database_ready() -> None:
    """Creates the benchmark's database if needed, then brings it to the current schema and reference data."""
    name = connections["default"].settings_dict["NAME"]
    with connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
