from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Référentiels")

    def ready(self):
        from core import checks, converters, page_cache  # noqa: F401  (checks and URL converters register themselves)
        from core.models import HelpType

        # The request form lists the help types and a mission's page names its own (core.page_cache).
        page_cache.bump_on_change(page_cache.HELP_TYPES, HelpType)
