import os

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger

from core.log_redaction import RedactingFilter

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entraide.settings.base")

app = Celery("entraide")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@after_setup_logger.connect
@after_setup_task_logger.connect
def _redact_worker_logs(logger, **kwargs):
    """Celery sets up its own handlers, without the filter the web's LOGGING puts on its console: a task's error
    quoting a tracking link must be cleaned the same way."""
    for handler in logger.handlers:
        handler.addFilter(RedactingFilter())
