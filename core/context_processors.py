from django.conf import settings

from core import hotline


def portal(request):
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "DEPARTEMENT": settings.TERRITORY,
        "DEPARTEMENT_NAME": settings.DEPARTEMENT_NAME,
        "HOTLINE_PHONE": settings.HOTLINE_PHONE,
        "HOTLINE_TEL": hotline.tel_href(),
    }
