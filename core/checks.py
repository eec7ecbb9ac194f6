"""Checks run by `manage.py check --deploy`: what a production setting must not do to people's data."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from core.brand import MINIMUM_TEXT_CONTRAST, colour_pairs, contrast_ratio
from core.sms import backend_class

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


@register()
def brand_colours_readable(app_configs, **kwargs):
    """Every pair of brand colours drawn one on the other reaches WCAG AA for text: a département cannot, by choosing
    its colours, make the portal unreadable to people with low vision."""
    errors = []
    for pair in colour_pairs():
        try:
            ratio = contrast_ratio(pair.foreground, pair.background)
        except ValueError as error:
            errors.append(Error(f"{pair.setting}: {error}.", hint="Write colours as #rrggbb.", id="entraide.E001"))
            continue
        if ratio < MINIMUM_TEXT_CONTRAST:
            errors.append(
                Error(
                    f"{pair.setting} {pair.foreground} on {pair.background} ({pair.where}) has a contrast of "
                    f"{ratio:.2f}:1, under the {MINIMUM_TEXT_CONTRAST}:1 WCAG AA asks for text.",
                    hint="Choose a darker brand colour, or a text colour that stands out more on it.",
                    id="entraide.E001",
                )
            )
    return errors


@register()
def sms_provider_configured(app_configs, **kwargs):
    """A provider chosen without its keys would send nothing, each message failing in turn: stop at start-up."""
    try:
        backend = backend_class()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="entraide.E002")]
    missing = backend.missing_settings() if hasattr(backend, "missing_settings") else []
    return [
        Error(
            f"SMS_BACKEND={settings.SMS_BACKEND} needs {name}.",
            hint="See the README's settings, section SMS providers.",
            id="entraide.E002",
        )
        for name in missing
    ]
