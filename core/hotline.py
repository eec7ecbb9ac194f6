"""The hotline's number and hours, shown the same way on every page, message and document.

One place for the whole site: the row staff edit on the crisis page's "Qui appeler" (core.models.Hotline), each
blank field falling back to the settings HOTLINE_PHONE and HOTLINE_HOURS. Every page shows the number, so the row is
read from the cache, never from the database on a page: a change writes the fresh row into the cache once its
transaction commits, and readers only `add` what they loaded, so a reader that loaded the row just before a change
cannot put the old number back over the new one. Redis down, core.cache serves the same from the database cache.
"""

from dataclasses import dataclass
from functools import cache as memoize

import phonenumbers
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop

# The default hours are French text kept in the catalogue so English readers get them translated; hours an
# operator sets in the environment, or staff in the admin, are shown as written.
gettext_noop("7 jours sur 7 de 9 h à 18 h")

CACHE_KEY = "hotline:v1"  # the suffix changes with the shape of what is cached
CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class StaffSet:
    """What staff set; "" where they kept the operator's default."""

    phone: str = ""
    hours: str = ""


def _load() -> StaffSet:
    from core.models import Hotline

    row = Hotline.objects.filter(pk=Hotline.SINGLETON_ID).values("phone", "hours").first()
    return StaffSet(**row) if row else StaffSet()


def staff_set(found: StaffSet | None = None) -> StaffSet:
    """What staff set. `found`: what the caller already read from the cache under CACHE_KEY."""
    value = found if found is not None else cache.get(CACHE_KEY)
    if value is None:
        try:
            value = _load()
        except DatabaseError:
            # The error pages of a database outage still give a number to call: the operator's default.
            return StaffSet()
        cache.add(CACHE_KEY, value, CACHE_SECONDS)
    return value


def refresh_on_commit() -> None:
    """Called by Hotline.save(): every page shows the new number as soon as it is saved."""
    transaction.on_commit(lambda: cache.set(CACHE_KEY, _load(), CACHE_SECONDS))


# Each function below takes what staff set when the caller has it already: a page shows the number four or five
# times, and reading it from the cache each time cost as much as the rest of the page (a profile of the home page).


def number(staff: StaffSet | None = None) -> str:
    """The number as written for reading: "03 83 94 54 54"."""
    return (staff or staff_set()).phone or settings.HOTLINE_PHONE


@memoize
def _tel_href(number: str) -> str:
    parsed = phonenumbers.parse(number, settings.PHONENUMBER_DEFAULT_REGION)
    return "tel:" + phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def tel_href(staff: StaffSet | None = None) -> str:
    """`tel:+33383945454`: the international form every phone dials, whatever the spacing it was written with."""
    return _tel_href(number(staff))


def opening_hours(staff: StaffSet | None = None) -> str:
    hours = (staff or staff_set()).hours
    if hours:
        return hours
    return gettext(settings.HOTLINE_HOURS) if settings.HOTLINE_HOURS else ""


def link(*, hours: bool = True, css_class: str = "", staff: StaffSet | None = None) -> SafeString:
    """The number as a tappable link, with the opening hours unless `hours=False` (templates/includes/hotline.html)."""
    staff = staff or staff_set()
    html = render_to_string(
        "includes/hotline.html",
        {
            "number": number(staff),
            "href": tel_href(staff),
            "hours": opening_hours(staff) if hours else "",
            "css_class": css_class,
        },
    )
    # No trailing newline: the link sits inside a sentence, before its punctuation.
    return mark_safe(html.strip())
