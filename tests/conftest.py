import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from celery._state import _set_task_join_will_block
from django.conf import settings
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
def french_first():
    """Each test starts in the portal's language: a page drawn in English leaves English active in the thread (the
    locale middleware activates a language per request and never puts it back), which an earlier test must not pass
    on to a later one's messages."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def empty_cache():
    """The cache is a real Redis that outlives a test: rate-limit counters must not leak from one test to the next.
    Only the cache's own keys go: the Celery broker's queues live in the same database."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    # The pages' cache keys carry the release, the rate limits' counters do not (settings CACHES): both go.
    prefixes = {settings.CACHES[alias]["KEY_PREFIX"] for alias in ("default", "counters")}
    keys = {key for prefix in prefixes for key in client.scan_iter(f"{prefix}:*", count=1000)}
    if keys:
        client.delete(*keys)
    # Every page reads the hotline and the crisis banner from the cache (core.hotline, crisis.banner), which a running
    # portal holds: each test starts with them as the migrations leave the database (no number set by staff, nothing
    # urgent). A test that changes them goes through their services, which refresh the cache on commit.
    from django.core.cache import cache

    from core import hotline
    from crisis import banner

    cache.set(hotline.CACHE_KEY, hotline.StaffSet(), hotline.CACHE_SECONDS)
    cache.set(banner.CACHE_KEY, banner.Banner(version="tests"), banner.CACHE_SECONDS)


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, tmp_path_factory):
    """A real Celery worker, in its own process, consuming from the test Redis and working on the test database.
    It sends emails and SMS to files (`WorkerOutbox` reads them), its SMS backend failing on demand."""
    from django.db import connection

    from entraide.celery import app
    from tests.notifications.worker import WorkerOutbox

    database = connection.settings_dict
    outbox = WorkerOutbox(tmp_path_factory.mktemp("worker-outbox"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "entraide.settings.test",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox.email_folder),
        "SMS_BACKEND": "tests.notifications.worker.FlakyFileSmsBackend",
        "SMS_FILE_PATH": str(outbox.sms_folder),
        "NOTIFICATION_RETRY_SECONDS": "1",
        "CELERY_TASK_ALWAYS_EAGER": "0",  # a retry from the worker goes back through Redis
    }
    app.control.purge()  # tasks left in Redis by an interrupted run point at rows that no longer exist
    log = (outbox.folder / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "entraide", "worker", "--pool=solo", "--loglevel=info",
         "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while not app.control.ping(timeout=0.5):
        if worker.poll() is not None or time.monotonic() > deadline:
            worker.kill()
            log.close()
            raise RuntimeError(f"The Celery worker did not start:\n{Path(log.name).read_text()}")
    yield outbox
    worker.terminate()
    worker.wait(timeout=10)
    log.close()


@pytest.fixture
def real_worker(celery_worker_process, reference_data_kept, settings):
    """For a transactional test: tasks go through Redis to the real worker instead of running in-process."""
    # The Django setting, not app.conf.task_always_eager: celery 5.6 reads the CELERY_-prefixed name first.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # Celery marks "inside a task" in one process-wide flag while an eager task runs; eager tasks run from the
    # threads of the race tests can leave it set, and `result.get()` then refuses to wait. This test is not in one.
    _set_task_join_will_block(False)
    celery_worker_process.clear()
    yield celery_worker_process
