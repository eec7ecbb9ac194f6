from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """What spans every app, so sits above them all: the landing by role, the demo and reference data commands."""

    name = "portal"
    verbose_name = _("Portail")

    def ready(self):
        from portal import receivers  # noqa: F401  (the volunteer's checks when an organisation accepts her)
