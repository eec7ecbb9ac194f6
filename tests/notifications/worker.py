"""What the real Celery worker of the notification tests sent: emails and SMS written to files it shares with
the tests, and an SMS backend that fails as many times as a test asks."""

import email
import email.policy
import shutil
import time
from pathlib import Path

import redis
from django.conf import settings

from core.sms import FileBackend

FAILURES_KEY = "test-sms-failures"


def redis_client():
    return redis.Redis.from_url(settings.REDIS_URL)


class FlakyFileSmsBackend(FileBackend):
    """Fails the next n sends to a number (n set by `WorkerOutbox.sms_fail`), then writes like FileBackend."""

    def send(self, message):
        if redis_client().decr(f"{FAILURES_KEY}:{message.to}") >= 0:
            raise ConnectionError("Fournisseur SMS injoignable (panne simulée)")
        super().send(message)


class WorkerOutbox:
    def __init__(self, folder: Path):
        self.folder = folder
        self.email_folder = folder / "email"
        self.sms_folder = folder / "sms"

    def clear(self) -> None:
        for path in (self.email_folder, self.sms_folder):
            shutil.rmtree(path, ignore_errors=True)
            path.mkdir()
        client = redis_client()
        for key in client.scan_iter(f"{FAILURES_KEY}:*"):
            client.delete(key)

    def sms_fail(self, number: str, times: int) -> None:
        redis_client().set(f"{FAILURES_KEY}:{number}", times)

    def emails(self) -> list[email.message.EmailMessage]:
        messages = []
        for path in sorted(self.email_folder.glob("*.log")):
            for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if raw.strip():
                    messages.append(email.message_from_bytes(raw.strip(), policy=email.policy.default))
        return messages

    def emails_to(self, address: str) -> list[email.message.EmailMessage]:
        return [message for message in self.emails() if message["To"] == address]

    def sms(self) -> list[tuple[str, str]]:
        lines = []
        for path in sorted(self.sms_folder.glob("*.log")):
            for line in path.read_text(encoding="utf-8").splitlines():
                _when, to, body = line.split("\t", 2)
                lines.append((to, body))
        return lines

    def sms_to(self, number: str) -> list[str]:
        return [body for to, body in self.sms() if to == number]


def wait_until(condition, timeout: float = 20.0, what: str = "the worker"):
    """Polls until `condition()` is true: the worker runs in another process, at its own pace."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.1)
    raise AssertionError(f"Timed out waiting for {what}")
