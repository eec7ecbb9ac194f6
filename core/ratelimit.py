"""Counting attempts per client in fixed windows: in Redis, or in PostgreSQL while Redis is unreachable.

Keys hold a hash of what is counted (an address, a phone number), never the value itself: neither the cache nor
the database is a place for that. A window is a slice of clock time, so a counter starts again at the next slice.
An outage neither opens the gate (every citizen could be flooded with requests in their name) nor closes it
(nobody could ask for help): counting moves to the database until Redis answers again. A window that straddles
the switch counts in both places, so it may let through up to twice its rate once.
"""

import hashlib
import logging
import time
from datetime import UTC, datetime

from django.core.cache import caches
from django.db import connection

from core.cache import REDIS_DOWN
from core.models import RateLimitCounter

logger = logging.getLogger(__name__)

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
    counter_key = f"ratelimit:{scope}:{digest}:{window}"
    expires_at = (window + 1) * period + 60
    try:
        count = _count_in_cache(counter_key, expires_at - time.time())
    except REDIS_DOWN:
        logger.warning("Redis unreachable: rate limit %s counted in the database", scope)
        count = _count_in_database(counter_key, expires_at)
    return count <= limit


def _count_in_cache(counter_key: str, timeout: float) -> int:
    counters = caches["counters"]
    counters.add(counter_key, 0, timeout=int(timeout) + 1)
    try:
        return counters.incr(counter_key)
    except ValueError:  # the key expired between add and incr: a new window began
        counters.set(counter_key, 1, timeout=int(timeout) + 1)
        return 1


def _count_in_database(counter_key: str, expires_at: float) -> int:
    """One statement, so that concurrent attempts never read the same count (PostgreSQL and SQLite 3.35+)."""
    table = connection.ops.quote_name(RateLimitCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, count, expires_at) VALUES (%s, 1, %s) "  # noqa: S608 - the table name is ours
            f"ON CONFLICT (key) DO UPDATE SET count = {table}.count + 1 RETURNING count",
            [counter_key, connection.ops.adapt_datetimefield_value(datetime.fromtimestamp(expires_at, tz=UTC))],
        )
        return cursor.fetchone()[0]


def expired_counters_delete(now: datetime) -> int:
    deleted, _ = RateLimitCounter.objects.filter(expires_at__lt=now).delete()
    return deleted
