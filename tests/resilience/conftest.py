"""Processes of our own for fault tests: a Redis the test stops and starts, and the portal under gunicorn with
production settings pointed at it. The machine's shared PostgreSQL and Redis are never stopped nor flushed."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, *, timeout: float, what: str, process: subprocess.Popen | None = None, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            break
        try:
            if check():
                return
        except Exception:  # noqa: BLE001 - not up yet, whatever the error
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not come up" + (f":\n{log.read_text()}" if log and log.exists() else ""))


class RedisProcess:
    """A redis-server of the test's own, on a free port, that keeps nothing on disk."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        wait_until(client.ping, timeout=10, what="redis-server", process=self.process)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def own_redis(tmp_path):
    server = RedisProcess(tmp_path)
    server.start()
    yield server
    server.stop()


def production_env(*, redis_url: str, **overrides: str) -> dict[str, str]:
    """The environment of a production process (base settings, DEBUG off) on the test database and our Redis."""
    database = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "entraide.settings.base",
        "DEBUG": "0",
        "SECRET_KEY": "resilience-tests-only-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": redis_url,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "SMS_BACKEND": "file",
        **overrides,
    }


@pytest.fixture(scope="session")
def collected_static(django_db_setup):
    """Production settings serve static files from the collected, hashed copies (whitenoise's manifest). The test
    settings' plain storage writes no manifest; Django's manifest storage writes the same one as whitenoise's,
    without the minutes whitenoise spends compressing every file."""
    production_storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with override_settings(STORAGES=production_storages):
        call_command("collectstatic", interactive=False, verbosity=0)


class PortalProcess:
    """gunicorn serving the portal with production settings, as the Dockerfile runs it."""

    def __init__(self, env: dict[str, str], folder: Path, *, args: tuple[str, ...] = ()):
        self.env = env
        self.port = free_port()
        self.log = folder / "gunicorn.log"
        self.args = args
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("w") as log:  # gunicorn writes to its own copy of the descriptor
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "entraide.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
                 "--workers", "2", "--no-control-socket", *self.args],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        # Up once it has answered a page: a worker loads the URL configuration and templates on its first request,
        # which on a busy machine takes longer than a test's request should wait.
        wait_until(
            lambda: urllib.request.urlopen(f"{self.base_url}/sante/", timeout=5).status,
            timeout=90, what="gunicorn", process=self.process, log=self.log,
        )  # fmt: skip

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)
