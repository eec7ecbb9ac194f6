"""gunicorn.conf.py takes its process model from the environment: the values gunicorn itself ends up with, read back
with `--print-config` from a process that loaded the file as the Dockerfile's command does."""

import os
import subprocess

import pytest

from tests.conftest import ROOT

GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
SETTINGS = ("worker_class", "workers", "threads", "timeout", "graceful_timeout", "keepalive", "max_requests")


def gunicorn_settings(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    # Only what a fresh shell has, so that the test process's own variables do not leak in. DEBUG=1 lets the
    # application load (--print-config loads it) without production's SECRET_KEY.
    clean = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    return subprocess.run(
        [str(GUNICORN), "-c", "gunicorn.conf.py", *args, "--print-config", "entraide.wsgi:application"],
        cwd=ROOT,
        env={**clean, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "entraide.settings.base", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def printed(result: subprocess.CompletedProcess) -> dict[str, str]:
    assert result.returncode == 0, result.stdout + result.stderr
    values = {}
    for line in result.stdout.splitlines():
        name, separator, value = line.partition("=")
        if separator and name.strip() in SETTINGS:
            values[name.strip()] = value.strip()
    return values


def test_without_any_variable_gunicorn_runs_three_sync_workers_as_before():
    assert printed(gunicorn_settings({})) == {
        "worker_class": "sync",
        "workers": "3",
        "threads": "1",
        "timeout": "30",
        "graceful_timeout": "30",
        "keepalive": "2",
        "max_requests": "0",
    }


def test_the_worker_class_count_threads_and_timeouts_come_from_the_environment():
    env = {
        "GUNICORN_WORKER_CLASS": "gthread",
        "WEB_CONCURRENCY": "5",
        "GUNICORN_THREADS": "4",
        "GUNICORN_TIMEOUT": "20",
        "GUNICORN_GRACEFUL_TIMEOUT": "25",
        "GUNICORN_KEEPALIVE": "75",
        "GUNICORN_MAX_REQUESTS": "10000",
    }
    assert printed(gunicorn_settings(env)) == {
        "worker_class": "gthread",
        "workers": "5",
        "threads": "4",
        "timeout": "20",
        "graceful_timeout": "25",
        "keepalive": "75",
        "max_requests": "10000",
    }


def test_the_command_line_still_wins_over_the_file():
    assert printed(gunicorn_settings({"WEB_CONCURRENCY": "5"}, "--workers", "7"))["workers"] == "7"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        # gunicorn would quietly make it a gthread worker: the operator is told to say so.
        ({"GUNICORN_THREADS": "4"}, "GUNICORN_THREADS > 1 needs GUNICORN_WORKER_CLASS=gthread"),
        ({"GUNICORN_WORKER_CLASS": "gevent"}, "GUNICORN_WORKER_CLASS must be sync, gthread or a dotted class path"),
        ({"GUNICORN_THREADS": "four"}, "GUNICORN_THREADS must be an integer"),
        ({"WEB_CONCURRENCY": "0"}, "WEB_CONCURRENCY and GUNICORN_THREADS must be at least 1"),
    ],
)
def test_a_value_gunicorn_cannot_use_stops_it_before_it_serves(env, message):
    result = gunicorn_settings(env)
    assert result.returncode != 0
    assert message in result.stderr
