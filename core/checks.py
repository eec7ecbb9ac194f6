"""Checks run by `manage.py check --deploy`: what a production setting must not do to people's data."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

CONSOLE_BACKENDS = {
    "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    "SMS_BACKEND": "console",
}


@register(Tags.security, deploy=True)
def messages_not_printed_to_logs(app_configs, **kwargs):
    """A console backend prints every message, names, phone numbers and tracking links included, into the logs."""
    return [
        Warning(
            f"{setting} prints every message, personal data included, to the process's output.",
            hint=f"Set {setting} to a real backend in production (see the README's settings).",
            id="entraide.W001",
        )
        for setting, console in CONSOLE_BACKENDS.items()
        if not settings.DEBUG and getattr(settings, setting) == console
    ]
