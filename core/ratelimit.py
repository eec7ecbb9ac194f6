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
from django_redis.cache import RedisCache

from core.cache import REDIS_DOWN
from core.models import RateLimitCounter

logger = logging.getLogger(__name__)

PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "20/h" → (20, 3600)."""
    count, period = rate.split("/")
    return int(count), PERIOD_SECONDS[period]


def allow_each(scope: str, keys, rate: str) -> bool:
    """Counts an attempt for every key, even after one is refused; False if any of them is over the rate."""
    limit, period = parse_rate(rate)
    window = int(time.time() // period)
    counter_keys = [
        f"ratelimit:{scope}:{hashlib.sha256(f'{scope}:{key}'.encode()).hexdigest()[:32]}:{window}" for key in keys
    ]
    expires_at = (window + 1) * period + 60
    try:
        counts = _count_in_cache(counter_keys, expires_at)
    except REDIS_DOWN:
        logger.warning("Redis unreachable: rate limit %s counted in the database", scope)
        counts = [_count_in_database(counter_key, expires_at) for counter_key in counter_keys]
    return all(count <= limit for count in counts)


def allow(scope: str, key: str, rate: str) -> bool:
    """Counts one more attempt; False once the rate is exceeded within the current window."""
    return allow_each(scope, [key], rate)


def _count_in_cache(counter_keys: list[str], expires_at: int) -> list[int]:
    """One more for each counter, in one round trip to Redis: an increment and the window's end for each key, sent
    together (a form's three limits took six round trips, a fifth of its filing). Without Redis (the embedded
    default) the counters cache is in memory, counted key by key."""
    counters = caches["counters"]
    if not isinstance(counters, RedisCache):
        return [_count_in_memory(counters, counter_key, expires_at) for counter_key in counter_keys]
    # In one MULTI/EXEC: a connection lost midway never leaves an increment without its window's end.
    pipeline = counters.client.get_client(write=True).pipeline(transaction=True)
    for counter_key in counter_keys:
        redis_key = counters.make_key(counter_key)
        pipeline.incr(redis_key)
        pipeline.expireat(redis_key, expires_at)  # the same instant each time: the window's end, and a minute
    return pipeline.execute()[::2]


def _count_in_memory(counters, counter_key: str, expires_at: int) -> int:
    timeout = int(expires_at - time.time()) + 1
    counters.add(counter_key, 0, timeout=timeout)
    try:
        return counters.incr(counter_key)
    except ValueError:  # the key expired between add and incr: a new window began
        counters.set(counter_key, 1, timeout=timeout)
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
