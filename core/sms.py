"""Sending of text messages through a backend named by the SMS_BACKEND setting.

Callers use send_sms() only. A provider adapter is a class with a `send(message)` method, named in BACKENDS
or given to SMS_BACKEND by its dotted path ("myprovider.sms.ProviderBackend"): no caller changes.
"""

import sys
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

MAX_LENGTH = 160


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str


class SmsTooLong(ValueError):
    pass


class ConsoleBackend:
    def send(self, message: SmsMessage) -> None:
        sys.stdout.write(f"--- SMS to {message.to} ---\n{message.body}\n")
        sys.stdout.flush()


class FileBackend:
    """One file per day under SMS_FILE_PATH, for a staging server where nobody should really be texted."""

    def send(self, message: SmsMessage) -> None:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / f"sms-{datetime.now():%Y-%m-%d}.log", "a", encoding="utf-8") as log:
            log.write(f"{datetime.now().isoformat()}\t{message.to}\t{message.body}\n")


class LocmemBackend:
    """Keeps messages in memory (`outbox`), like Django's locmem email backend, for tests."""

    outbox: list[SmsMessage] = []
    _lock = threading.Lock()

    def send(self, message: SmsMessage) -> None:
        with self._lock:
            LocmemBackend.outbox.append(message)


BACKENDS = {"console": ConsoleBackend, "file": FileBackend, "locmem": LocmemBackend}


def get_backend():
    name = settings.SMS_BACKEND
    if name in BACKENDS:
        return BACKENDS[name]()
    try:
        return import_string(name)()
    except ImportError:
        raise ImproperlyConfigured(
            f"Unknown SMS_BACKEND {name!r}; choose one of {', '.join(BACKENDS)} or give a class's dotted path."
        ) from None


def send_sms(*, to: str, body: str) -> SmsMessage:
    if len(body) > MAX_LENGTH:
        raise SmsTooLong(f"An SMS holds at most {MAX_LENGTH} characters, this one has {len(body)}.")
    message = SmsMessage(to=to, body=body)
    get_backend().send(message)
    return message
