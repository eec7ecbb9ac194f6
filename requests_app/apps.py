from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsConfig(AppConfig):
    name = "requests_app"
    label = "requests_app"
    verbose_name = _("Demandes d'aide")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from core.models import HelpType
        from requests_app import receivers, tracking  # noqa: F401  (receivers connects to the matching's signals)
        from requests_app.models import HelpRequest, StatusChange

        # The tracking page's cached body (requests_app.tracking): forgotten with any change it shows. A history
        # line goes only with its request, whose deletion is enough.
        post_save.connect(tracking.help_request_changed, sender=HelpRequest, dispatch_uid="tracking_request_save")
        post_delete.connect(tracking.help_request_changed, sender=HelpRequest, dispatch_uid="tracking_request_delete")
        post_save.connect(tracking.history_changed, sender=StatusChange, dispatch_uid="tracking_history_save")
        post_save.connect(tracking.help_types_changed, sender=HelpType, dispatch_uid="tracking_help_types_save")
        post_delete.connect(tracking.help_types_changed, sender=HelpType, dispatch_uid="tracking_help_types_delete")
