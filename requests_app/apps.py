from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsConfig(AppConfig):
    name = "requests_app"
    label = "requests_app"
    verbose_name = _("Demandes d'aide")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from core.models import HelpType
        from requests_app import receivers  # noqa: F401  (connects to the matching's signals)
        from requests_app.fragments import public_form_forget

        post_save.connect(public_form_forget, sender=HelpType, dispatch_uid="public_form_forget_save")
        post_delete.connect(public_form_forget, sender=HelpType, dispatch_uid="public_form_forget_delete")
