from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssociationsConfig(AppConfig):
    name = "associations"
    verbose_name = _("Associations et partenaires")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from associations import listing
        from associations.models import Application, Association, Mission

        for model in (Mission, Application, Association):
            post_save.connect(listing.forget, sender=model, dispatch_uid=f"mission_list_forget_save_{model.__name__}")
            post_delete.connect(
                listing.forget, sender=model, dispatch_uid=f"mission_list_forget_delete_{model.__name__}"
            )
