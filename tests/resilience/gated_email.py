"""An email backend for the worker of the broker-loss test: it holds a delivery in flight until the test opens
the gate, so that the test can stop Redis while a task is certainly running."""

import time
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.filebased import EmailBackend

# Never hang a worker for good: past this, the message goes out and the test's own assertions tell what happened.
LONGEST_HOLD_SECONDS = 120


def gate_folder() -> Path:
    return Path(settings.EMAIL_FILE_PATH).parent


class GatedFileEmailBackend(EmailBackend):
    def send_messages(self, email_messages):
        folder = gate_folder()
        (folder / "in-flight").touch()
        deadline = time.monotonic() + LONGEST_HOLD_SECONDS
        while not (folder / "open").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        return super().send_messages(email_messages)
