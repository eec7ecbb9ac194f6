from functools import cache

from django.conf import settings
from django.core.signals import setting_changed

from core import hotline, page_cache
from core.brand import brand, colours_version


@cache
def from_settings() -> dict:
    """What every page shows from the settings: computed once per process (the brand's colours are hashed for the
    stylesheet's address), again only when a test changes a setting."""
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "DEPARTEMENT": settings.TERRITORY,
        "DEPARTEMENT_NAME": settings.DEPARTEMENT_NAME,
        "BRAND": brand(),
        "BRAND_CSS_VERSION": colours_version(),
    }


def _settings_changed(**kwargs) -> None:
    from_settings.cache_clear()


setting_changed.connect(_settings_changed, dispatch_uid="core_context_from_settings")


def portal(request):
    # Read from the cache once for the page, however many times it shows the number, with the crisis banner.
    staff = hotline.staff_set(page_cache.layout_found(request).get(hotline.CACHE_KEY))
    return {
        **from_settings(),
        "HOTLINE": staff,
        "HOTLINE_PHONE": hotline.number(staff),
        "HOTLINE_TEL": hotline.tel_href(staff),
        # The layout's fixed parts are drawn once per process for each value of what they show (the settings, the
        # language, the hotline, the kind of visitor): templates/includes/header.html, footer.html.
        "LAYOUT_VERSION": page_cache.settings_fingerprint(),
    }
