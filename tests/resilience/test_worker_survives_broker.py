"""A worker that saw Redis vanish with a task in flight is still running, and working, once Redis is back.

celery 5.7.0 failed this: "Restoring 1 unacknowledged message(s)", then "Unrecoverable error:
AttributeError("'NoneType' object has no attribute 'hostname'")", and the worker exited (why, and the pin that
avoids it: the Celery block of entraide/settings/base.py). The supervisor (`restart: unless-stopped` in
docker-compose.yml) is the second line.
"""

import subprocess
from pathlib import Path

import pytest

from entraide.celery import app
from notifications.enums import Channel, DeliveryStatus, Event
from notifications.models import Notification
from notifications.tasks import deliver_notification
from tests.notifications.worker import WorkerOutbox
from tests.resilience.conftest import BIN, ROOT, RedisProcess, production_env, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


class WorkerProcess:
    """`celery worker` as docker-compose.yml runs it (prefork pool, two children), with production settings, on
    the test's own Redis and the test database. Its emails go to files through a backend that holds a delivery
    in flight until the test opens the gate (tests/resilience/gated_email.py)."""

    def __init__(self, *, redis_url: str, folder: Path):
        self.folder = folder
        self.outbox = WorkerOutbox(folder)
        self.log = folder / "worker.log"
        self.env = production_env(
            redis_url=redis_url,
            EMAIL_BACKEND="tests.resilience.gated_email.GatedFileEmailBackend",
            EMAIL_FILE_PATH=str(self.outbox.email_folder),
        )
        self.process: subprocess.Popen | None = None
        self.log_file = None

    def start(self) -> None:
        self.outbox.email_folder.mkdir(parents=True)
        self.log_file = self.log.open("w")
        self.process = subprocess.Popen(
            [str(BIN / "celery"), "-A", "entraide", "worker", "-l", "info", "--concurrency", "2"],
            cwd=ROOT, env=self.env, stdout=self.log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_until(lambda: " ready." in self.log_text(), timeout=60, what="the Celery worker", process=self.process,
                   log=self.log)  # fmt: skip

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log_file is not None:
            self.log_file.close()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def holding_a_delivery(self) -> bool:
        return (self.folder / "in-flight").exists()

    def open_gate(self) -> None:
        (self.folder / "open").touch()


@pytest.fixture
def worker(own_redis, tmp_path, reference_data_kept, settings):
    # The test settings run tasks in-process; here they go through Redis. The Django setting, not app.conf: celery
    # 5.6 reads CELERY_TASK_ALWAYS_EAGER before a task_always_eager set on app.conf.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    process = WorkerProcess(redis_url=own_redis.url, folder=tmp_path / "worker")
    process.folder.mkdir()
    process.start()
    yield process
    process.open_gate()  # a delivery still held would make the worker's warm shutdown wait for it
    process.stop()


def email_to(address: str) -> Notification:
    return Notification.objects.create(
        event=Event.REQUEST_RECEIVED, channel=Channel.EMAIL, recipient=address, subject="Objet", body="Message"
    )


def enqueue(redis: RedisProcess, notification: Notification) -> None:
    """Through the test's own Redis, where the worker listens (the test process's app points at the shared one)."""
    with app.connection_for_write(redis.url) as connection:
        deliver_notification.apply_async((notification.pk,), connection=connection)


def sent(notification: Notification) -> bool:
    notification.refresh_from_db()
    return notification.status == DeliveryStatus.SENT


def test_a_worker_that_lost_redis_mid_task_is_still_running_and_working_when_redis_returns(own_redis, worker):
    in_flight = email_to("en-cours@exemple.fr")
    enqueue(own_redis, in_flight)
    wait_until(worker.holding_a_delivery, timeout=30, what="the delivery in flight", process=worker.process)

    own_redis.stop()
    wait_until(lambda: "Connection to broker lost" in worker.log_text(), timeout=30, what="the worker's notice")
    own_redis.start()  # same port, and empty: a Redis that lost its data, the outbox's sweep covers that case
    worker.open_gate()
    wait_until(lambda: sent(in_flight), timeout=60, what="the delivery that was in flight")

    after = email_to("apres@exemple.fr")
    enqueue(own_redis, after)
    wait_until(lambda: sent(after) or not worker.running, timeout=90, what="the message sent after Redis returned")

    assert worker.running, f"the worker exited:\n{worker.log_text()[-6000:]}"
    assert sent(after)
    # The task cut off from Redis finished where it ran: sent once, not again by a redelivery.
    assert len(worker.outbox.emails_to("en-cours@exemple.fr")) == 1
    in_flight.refresh_from_db()
    assert in_flight.attempts == 1
    assert len(worker.outbox.emails_to("apres@exemple.fr")) == 1
