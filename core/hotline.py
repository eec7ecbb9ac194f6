"""The hotline's number and hours, read from settings and shown the same way on every page."""

from functools import cache

import phonenumbers
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop

# The default hours are French text kept in the catalogue so English readers get them translated; hours an
# operator sets in the environment are shown as written.
gettext_noop("7 jours sur 7 de 9 h à 18 h")


@cache
def _tel_href(number: str) -> str:
    parsed = phonenumbers.parse(number, settings.PHONENUMBER_DEFAULT_REGION)
    return "tel:" + phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def tel_href() -> str:
    """`tel:+33383945454`: the international form every phone dials, whatever the spacing in settings."""
    return _tel_href(settings.HOTLINE_PHONE)


def opening_hours() -> str:
    return gettext(settings.HOTLINE_HOURS) if settings.HOTLINE_HOURS else ""


def link(*, hours: bool = True, css_class: str = "") -> SafeString:
    """The number as a tappable link, with the opening hours unless `hours=False` (templates/includes/hotline.html)."""
    html = render_to_string(
        "includes/hotline.html",
        {
            "number": settings.HOTLINE_PHONE,
            "href": tel_href(),
            "hours": opening_hours() if hours else "",
            "css_class": css_class,
        },
    )
    # No trailing newline: the link sits inside a sentence, before its punctuation.
    return mark_safe(html.strip())
