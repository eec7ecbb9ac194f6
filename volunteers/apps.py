from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = _("Bénévoles")

    def ready(self):
        from volunteers import signals  # noqa: F401  (connects the email signals)
