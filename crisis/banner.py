"""The urgent banner every page shows while staff have marked a crisis update urgent (templates/includes/
crisis_banner.html, through crisis.context_processors).

Every page asks, and almost always nothing is urgent: the answer, banner or none, is kept in the cache and pages
never query the database for it. A change (an urgent update published, a banner cleared) writes the fresh answer
into the cache once its transaction commits, each answer carrying a new version; readers only `add` what they
loaded, so a page that read the database just before a change cannot put the old answer back. The banner's end
date is checked when the page is drawn, so it disappears on time without anyone touching the cache. Redis down,
core.cache serves the same answer from the database cache.
"""

from dataclasses import dataclass
from datetime import datetime
from uuid import uuid4

from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.utils import timezone

CACHE_KEY = "crisis-banner:v1"  # the suffix changes with the shape of what is cached
CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Banner:
    version: str
    text: str = ""
    published_at: datetime | None = None
    until: datetime | None = None

    def shown(self, now: datetime | None = None) -> bool:
        return bool(self.text) and (self.until is None or self.until > (now or timezone.now()))


def _load() -> Banner:
    from crisis.models import CrisisUpdate

    update = CrisisUpdate.objects.urgent().order_by("-published_at", "-pk").first()
    if update is None:
        return Banner(version=uuid4().hex)
    return Banner(version=uuid4().hex, text=update.change, published_at=update.published_at, until=update.urgent_until)


def current(found: Banner | None = None) -> Banner | None:
    """The banner to show now, or None. `found`: what the caller already read from the cache under CACHE_KEY."""
    banner = found or cache.get(CACHE_KEY)
    if banner is None:
        try:
            banner = _load()
        except DatabaseError:
            return None  # a database outage must not take every page down with it
        cache.add(CACHE_KEY, banner, CACHE_SECONDS)
    return banner if banner.shown() else None


def refresh_on_commit() -> None:
    transaction.on_commit(lambda: cache.set(CACHE_KEY, _load(), CACHE_SECONDS))


def page_cache_part(found: Banner | None) -> str:
    """The banner as the key of a cached page sees it (core.page_cache): its version while it shows, else nothing."""
    shown = current(found)
    return shown.version if shown else ""
