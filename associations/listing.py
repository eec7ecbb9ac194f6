"""The public mission list, rendered once per filter combination and kept in the cache.

It is the busiest public page in a crisis (everyone looks for a mission near them, with a handful of filter
combinations), and its cost is the rendering of the filter form and twenty cards, not the queries. What it
shows depends only on missions, their organisations and accepted applications: any change to one of those
gives the missions a new version (core.page_cache.MISSIONS, bumped by associations.apps), so a published or
filled mission shows at once; the date in the key ends a mission on its end date. Visitors without an account
get the whole page from core.page_cache; the results kept here serve everyone else.
"""

import hashlib

from django.utils import timezone
from django.utils.translation import get_language

from associations.filters import MissionFilter
from core import page_cache

TIMEOUT = 300


def version() -> str:
    return page_cache.version(page_cache.MISSIONS)


def forget(**kwargs) -> None:
    page_cache.bump(page_cache.MISSIONS)


# Keywords as people type them to look for a mission ("courses", "aide aux devoirs") come back from visitor to
# visitor, and a list drawn for them costs twenty times one read from the cache; a longer text is rarely typed twice
# and is drawn each time. Every kept combination is bounded by the cache's timeout and its memory limit.
KEPT_KEYWORDS_LENGTH = 40


def cacheable(params) -> bool:
    """The filters the form offers, the first pages (core.page_cache.FIRST_PAGES) and short keywords."""
    return (
        set(params) <= {*MissionFilter.base_filters, "page"}
        and params.get("page", "") in page_cache.FIRST_PAGES
        and len(params.get("q", "")) <= KEPT_KEYWORDS_LENGTH
    )


def key(params) -> str:
    query = hashlib.sha256(params.urlencode().encode()).hexdigest()[:32]
    return f"mission-list:{version()}:{get_language()}:{timezone.localdate().isoformat()}:{query}"
