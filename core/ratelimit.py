"""Counting attempts in the cache (Redis in production), per client, in fixed windows.

Keys hold a hash of what is counted (an address, a phone number), never the value itself: the cache is not a
place for personal data. A window is a slice of clock time, so a counter starts again at the next slice.
"""

import hashlib
import time

from django.core.cache import cache

from core.client_ip import client_ip  # noqa: F401 (the rate-limited views take the address from here)

PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "20/h" → (20, 3600)."""
    count, period = rate.split("/")
    return int(count), PERIOD_SECONDS[period]


def allow_each(scope: str, keys, rate: str) -> bool:
    """Counts an attempt for every key; False if any of them is over the rate."""
    return all([allow(scope, key, rate) for key in keys])  # a list: every key is counted, even after a refusal


def allow(scope: str, key: str, rate: str) -> bool:
    """Counts one more attempt; False once the rate is exceeded within the current window."""
    limit, period = parse_rate(rate)
    window = int(time.time() // period)
    digest = hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{scope}:{digest}:{window}"
    cache.add(cache_key, 0, timeout=period + 60)
    try:
        return cache.incr(cache_key) <= limit
    except ValueError:  # the key expired between add and incr: a new window began
        cache.set(cache_key, 1, timeout=period + 60)
        return True
