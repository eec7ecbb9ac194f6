from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrisisConfig(AppConfig):
    name = "crisis"
    verbose_name = _("Information de crise")

    def ready(self):
        from core import page_cache
        from crisis import banner
        from crisis.models import CrisisUpdate, HealthRules

        # Every page shows the urgent banner: cached pages are kept apart by the banner shown now.
        page_cache.layout_part(banner.CACHE_KEY, banner.page_cache_part)
        page_cache.bump_on_change(page_cache.CRISIS, CrisisUpdate, HealthRules)
