"""The crisis page (/crise/) and its history (/crise/historique/): public, read by everyone."""

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core import page_cache
from crisis.enums import Section
from crisis.models import CrisisUpdate, HealthRules

HISTORY_PER_PAGE = 30


@page_cache.cached_for_visitors(page_cache.CRISIS)
def page(request: HttpRequest) -> HttpResponse:
    latest = CrisisUpdate.objects.latest_per_section()
    rules = HealthRules.objects.current()
    dates = [update.published_at for update in latest.values()] + ([rules.published_at] if rules else [])
    return render(
        request,
        "crisis/page.html",
        {
            "sections": [(section, latest.get(section)) for section in Section],
            "Section": Section,
            "rules": rules,
            "updated_at": max(dates, default=None),
        },
    )


@dataclass(frozen=True)
class Entry:
    """One line of the history: a section's new version, or a new version of the health rules."""

    at: datetime
    section: str
    change: str
    text: str
    urgent: bool = False


@page_cache.cached_for_visitors(page_cache.CRISIS)
def history(request: HttpRequest) -> HttpResponse:
    updates = CrisisUpdate.objects.order_by("-published_at", "-pk")
    rules = HealthRules.objects.order_by("-version")
    entries = [Entry(u.published_at, u.get_section_display(), u.change, u.text, u.urgent) for u in updates]
    entries += [
        Entry(r.published_at, _("Consignes sanitaires"), _("Version %(version)s") % {"version": r.version}, r.text)
        for r in rules
    ]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    page_obj = Paginator(entries, HISTORY_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "crisis/history.html", {"page_obj": page_obj})
