"""What the portal depends on, checked the way a load balancer or a person on shift needs to know it.

PostgreSQL holds everything: without it no page can be served. Redis is the cache and the queue of messages: without
it pages are slower and messages wait in the outbox (the database) until it returns, but requests are still taken.
"""

import redis
from django.conf import settings
from django.db import DatabaseError, connection

OK, DOWN, NOT_USED = "ok", "down", "not_used"


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return DOWN
    return OK


def redis_status() -> str:
    """The embedded default (no REDIS_URL) runs without Redis: its tasks run in-process."""
    if not settings.REDIS_URL:
        return NOT_USED
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=settings.REDIS_CACHE_OPTIONS["SOCKET_CONNECT_TIMEOUT"],
        socket_timeout=settings.REDIS_CACHE_OPTIONS["SOCKET_TIMEOUT"],
        retry=None,
    )
    try:
        client.ping()
    except redis.RedisError:
        return DOWN
    finally:
        client.close()
    return OK


def dependencies_status() -> dict[str, str]:
    return {"database": database_status(), "redis": redis_status()}
