from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssociationsConfig(AppConfig):
    name = "associations"
    verbose_name = _("Associations et partenaires")

    def ready(self):
        from associations.models import Application, Association, Mission
        from core import page_cache

        # What the public pages show of missions and organisations (core.page_cache): any change, a new version.
        page_cache.bump_on_change(page_cache.MISSIONS, Mission, Application, Association)
        # The directory finds an organisation by the places it acts in too, which are saved apart from it.
        page_cache.bump_on_change(
            page_cache.ORGANISATIONS,
            Association,
            Association.communes_covered.through,
            Association.epcis_covered.through,
        )
