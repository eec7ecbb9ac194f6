from django.conf import settings

from core import hotline
from core.brand import brand, colours_version


def portal(request):
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "DEPARTEMENT": settings.TERRITORY,
        "DEPARTEMENT_NAME": settings.DEPARTEMENT_NAME,
        "HOTLINE_PHONE": hotline.number(),
        "HOTLINE_TEL": hotline.tel_href(),
        "BRAND": brand(),
        "BRAND_CSS_VERSION": colours_version(),
    }
