"""The public mission list, rendered once per filter combination and kept in the cache.

It is the busiest public page in a crisis (everyone looks for a mission near them, with a handful of filter
combinations), and its cost is the rendering of the filter form and twenty cards, not the queries. What it
shows depends only on missions, their organisations and accepted applications: any change to one of those
gives the list a new version, so a published or filled mission shows at once; the time limit only bounds how
long a mission that reached its end date stays listed.
"""

import hashlib
from uuid import uuid4

from django.core.cache import cache
from django.utils.translation import get_language

from associations.filters import MissionFilter

VERSION_KEY = "mission-list-version"
TIMEOUT = 300


def version() -> str:
    return cache.get_or_set(VERSION_KEY, lambda: uuid4().hex, None)


def forget(**kwargs) -> None:
    """A new random version, not a counter: a counter lost from the cache could restart at a used value."""
    cache.set(VERSION_KEY, uuid4().hex, None)


# Only what people really ask is kept: the filters the form offers and the first pages. Any other query string
# (made-up parameters, page 400, typed keywords) is rendered each time, so nobody can fill the cache with variants.
CACHED_PAGES = {"", "1", "2", "3"}


def cacheable(params) -> bool:
    return (
        set(params) <= {*MissionFilter.base_filters, "page"}
        and params.get("page", "") in CACHED_PAGES
        and not params.get("q")
    )


def key(params) -> str:
    query = hashlib.sha256(params.urlencode().encode()).hexdigest()[:32]
    return f"mission-list:{version()}:{get_language()}:{query}"
