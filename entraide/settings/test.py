"""Settings for the test suite: real PostgreSQL and real Redis, never SQLite or fakes."""

import os
import tempfile

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/entraide")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/9")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SMS_BACKEND", "locmem")
# Uploaded documents and receipts of a test run go to a folder of their own (its worker processes inherit it).
os.environ.setdefault("PRIVATE_FILES_ROOT", tempfile.mkdtemp(prefix="entraide-private-"))
# The real Celery worker of the notification tests overrides these two to write to files the tests read.
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from entraide.settings.base import *  # noqa: E402, F403
from entraide.settings.base import DATABASES  # noqa: E402
from entraide.settings.env import env_bool  # noqa: E402

if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise RuntimeError("The test suite runs on PostgreSQL only: set DATABASE_URL to a postgres:// URL.")

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# Serve static files from the apps' folders, as collectstatic does not run before the tests.
WHITENOISE_AUTOREFRESH = True

# Tasks run in-process unless a test asks for the real worker (the `real_worker` fixture), so that most tests
# see their emails in mail.outbox; the worker tests prove the path through Redis.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
