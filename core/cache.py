"""The cache: Redis, and PostgreSQL for any operation Redis cannot serve.

A Redis outage must not stop the portal, and a cache that merely misses is not enough: allauth's rate limits take
a lock in the cache and refuse the sign-in when they cannot (a 429 for everyone), sessions must not be lost, and
counters must keep counting. So each operation that finds Redis unreachable is done on Django's own database cache
instead, shared by every web process as Redis is. Once Redis answers again, operations go back to it.
"""

import logging
import time

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
        if self.redis_usable():
            try:
                return getattr(RedisCache, name)(self, *args, **kwargs)
            except REDIS_DOWN as error:
                self.redis_failed(error, name)
        return getattr(caches[self.fallback_alias], name)(*args, **kwargs)

    operation.__name__ = name
    return operation


class RedisWithDatabaseFallback(RedisCache):
    """django-redis, raising on a lost connection (no IGNORE_EXCEPTIONS), each operation caught here. The alias of
    the database cache to fall back on is the `FALLBACK` key of the cache's settings.

    After a failure, this process leaves Redis alone for `RETRY_AFTER_SECONDS`: a Redis that hangs rather than
    refuses would otherwise cost every operation its timeout, several per page. When Redis answers again, what
    it holds from before the outage is forgotten, and so is what the database cache took during it: a version
    bumped, a session ended or a counter moved meanwhile must not come back from the older copy (Redis may keep
    its data on disk), nor linger in the database for the next outage.
    """

    RETRY_AFTER_SECONDS = 5

    def __init__(self, server, params):
        super().__init__(server, params)
        self.fallback_alias = params["FALLBACK"]
        self._down_until = 0.0
        self._stale = False

    def redis_usable(self) -> bool:
        if time.monotonic() < self._down_until:
            return False
        if self._stale:
            try:
                RedisCache.delete_pattern(self, "*")  # this cache's own keys only: the prefix keeps Celery's apart
            except REDIS_DOWN as error:
                self.redis_failed(error, "delete_pattern")
                return False
            caches[self.fallback_alias].clear()
            self._stale = False
            logger.warning("Redis answers again: the cache's entries from before and during the outage are forgotten")
        return True

    def redis_failed(self, error: Exception, operation: str) -> None:
        logger.warning("Redis unreachable (%s): cache %s done in the database", error.__class__.__name__, operation)
        self._down_until = time.monotonic() + self.RETRY_AFTER_SECONDS
        self._stale = True


for _name in OPERATIONS:
    setattr(RedisWithDatabaseFallback, _name, _with_fallback(_name))
