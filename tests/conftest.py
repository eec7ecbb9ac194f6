import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database holds the reference data (help types, the département's 591 communes)."""
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture
def reference_data_kept(django_db_blocker):
    """For transactional tests: the flush at their end empties every table, reference data included."""
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)
    yield
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture
def staff(client):
    """A member of the département's staff, with the staff group's permissions, signed in on `client`."""
    from tests.accounts.factories import AgentFactory

    user = AgentFactory()
    client.force_login(user)
    return user


@pytest.fixture(autouse=True)
def empty_cache():
    """The cache is a real Redis that outlives a test: rate-limit counters must not leak from one test to the next."""
    cache.clear()


@pytest.fixture(scope="session")
def celery_worker_process(tmp_path_factory):
    """A real Celery worker, in its own process, consuming from the test Redis."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "entraide.settings.test"}
    log = tmp_path_factory.mktemp("celery") / "worker.log"
    log = log.open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "entraide", "worker", "--pool=solo", "--loglevel=warning",
         "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    from entraide.celery import app

    deadline = time.monotonic() + 30
    while not app.control.ping(timeout=0.5):
        if worker.poll() is not None or time.monotonic() > deadline:
            worker.kill()
            log.close()
            raise RuntimeError(f"The Celery worker did not start:\n{Path(log.name).read_text()}")
    yield worker
    worker.terminate()
    worker.wait(timeout=10)
    log.close()
