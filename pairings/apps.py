from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PairingsConfig(AppConfig):
    name = "pairings"
    verbose_name = _("Accompagnements réguliers")

    def ready(self):
        from pairings import receivers  # noqa: F401  (connects to the matching's signals)
