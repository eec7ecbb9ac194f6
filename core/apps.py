from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Référentiels")

    def ready(self):
        from core import checks, converters  # noqa: F401  (registers the system checks and the URL converters)
