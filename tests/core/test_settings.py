import os
import subprocess
import sys

import psycopg
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from entraide.settings.env import env_bool, env_int, env_list, env_networks
from tests.conftest import ROOT

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k7#Vq2!xLr9@pZm4&Tw8^Hn3*Bc6$Jd1%Fg5(Ys0)Ue-Ri_Oa+Ql=Sx",
    "ALLOWED_HOSTS": "entraide54.fr",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/entraide",
    "REDIS_URL": "redis://127.0.0.1:6379/9",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # Only what a fresh shell has: the test process itself exported the test settings' variables.
    clean = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "entraide.settings.base", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_check_without_any_warning():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "setting, console",
    [("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"), ("SMS_BACKEND", "console")],
)
def test_the_deployment_check_warns_about_messages_printed_to_the_logs(setting, console):
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION_ENV, setting: console})
    assert result.returncode != 0
    assert f"entraide.W001) {setting} prints every message" in result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_misspelt_boolean_stops_the_process(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "flase")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG", False)


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("yes", True), ("0", False), ("off", False)])
def test_booleans_are_read_from_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG", not expected) is expected


def test_integers_and_lists_are_read_or_refused(monkeypatch):
    monkeypatch.setenv("SOME_INT", "12")
    monkeypatch.setenv("SOME_LIST", "a.fr, b.fr,,")
    assert env_int("SOME_INT", 0) == 12
    assert env_list("SOME_LIST", []) == ["a.fr", "b.fr"]
    assert env_int("MISSING_INT", 7) == 7
    monkeypatch.setenv("SOME_INT", "douze")
    with pytest.raises(ImproperlyConfigured):
        env_int("SOME_INT", 0)


def test_trusted_proxies_are_addresses_or_networks_or_the_process_stops(monkeypatch):
    assert env_networks("MISSING_NETWORKS") == []
    monkeypatch.setenv("SOME_NETWORKS", "10.0.0.1, 172.16.0.0/12, 2001:db8::/32")
    assert env_networks("SOME_NETWORKS") == ["10.0.0.1", "172.16.0.0/12", "2001:db8::/32"]
    monkeypatch.setenv("SOME_NETWORKS", "proxy.local")
    with pytest.raises(ImproperlyConfigured):
        env_networks("SOME_NETWORKS")


def test_the_suite_runs_on_postgresql_and_redis(settings):
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.CACHES["default"]["BACKEND"] == "core.cache.RedisWithDatabaseFallback"
    assert settings.CELERY_BROKER_URL.startswith("redis://")


@pytest.mark.django_db
def test_the_portal_s_connections_run_without_postgresql_s_jit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def connection_setting(name: str, *, behind_pgbouncer: str, **env: str) -> str:
    """The database connection's setting `name` as production settings give it, printed by a fresh process."""
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        f"from django.db import connection; print(connection.settings_dict[{name!r}])",
        env={**PRODUCTION_ENV, "BEHIND_PGBOUNCER": behind_pgbouncer, **env},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(("behind_pgbouncer", "options"), [("0", "{'options': '-c jit=off'}"), ("1", "{}")])
def test_the_jit_is_turned_off_per_connection_except_behind_pgbouncer_which_refuses_the_option(
    behind_pgbouncer, options
):
    assert connection_setting("OPTIONS", behind_pgbouncer=behind_pgbouncer) == options


def test_the_operator_s_connection_options_are_kept_and_win_over_the_jit_default():
    # libpq would forget PGOPTIONS once the connection names its options: both stay, after the default, so they win.
    options = connection_setting(
        "OPTIONS",
        behind_pgbouncer="0",
        PGOPTIONS="-c statement_timeout=5000",
        DATABASE_URL=PRODUCTION_ENV["DATABASE_URL"] + "?options=-c%20jit%3Don",
    )
    assert options == "{'options': '-c jit=off -c statement_timeout=5000 -c jit=on'}"


@pytest.mark.django_db
def test_the_last_of_repeated_connection_options_is_the_one_postgresql_applies():
    # What the order above relies on, checked on the real server rather than assumed.
    params = connection.get_connection_params()
    params["options"] = "-c jit=off -c jit=on"
    with psycopg.connect(**params) as repeated, repeated.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "on"


@pytest.mark.parametrize(("behind_pgbouncer", "disabled"), [("0", "False"), ("1", "True")])
def test_server_side_cursors_are_off_only_behind_pgbouncer(behind_pgbouncer, disabled):
    assert connection_setting("DISABLE_SERVER_SIDE_CURSORS", behind_pgbouncer=behind_pgbouncer) == disabled
