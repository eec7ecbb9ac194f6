"""The cache: Redis, and PostgreSQL for any operation Redis cannot serve.

A Redis outage must not stop the portal, and a cache that merely misses is not enough: allauth's rate limits take
a lock in the cache and refuse the sign-in when they cannot (a 429 for everyone), sessions must not be lost, and
counters must keep counting. So each operation that finds Redis unreachable is done on Django's own database cache
instead, shared by every web process as Redis is. Once Redis answers again, operations go back to it.
"""

import logging

from django.core.cache import caches
from django_redis.cache import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)
OPERATIONS = (
    "add", "get", "set", "touch", "delete", "get_many", "set_many", "delete_many", "has_key", "incr", "decr", "clear",
)  # fmt: skip


def _with_fallback(name: str):
    def operation(self, *args, **kwargs):
        try:
            return getattr(RedisCache, name)(self, *args, **kwargs)
        except REDIS_DOWN as error:
            logger.warning("Redis unreachable (%s): cache %s done in the database", error.__class__.__name__, name)
            return getattr(caches[self.fallback_alias], name)(*args, **kwargs)

    operation.__name__ = name
    return operation


class RedisWithDatabaseFallback(RedisCache):
    """django-redis, raising on a lost connection (no IGNORE_EXCEPTIONS), each operation caught here. The alias of
    the database cache to fall back on is the `FALLBACK` key of the cache's settings."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self.fallback_alias = params["FALLBACK"]

    locals().update({name: _with_fallback(name) for name in OPERATIONS})
