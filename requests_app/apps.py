from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsConfig(AppConfig):
    name = "requests_app"
    label = "requests_app"
    verbose_name = _("Demandes d'aide")

    def ready(self):
        from requests_app import receivers  # noqa: F401  (connects to the matching's signals)
