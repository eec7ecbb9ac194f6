"""core.ratelimit against the real Redis: every key of an attempt is counted in one round trip, each counter lives
until its window's end, and the embedded default (no Redis) counts in memory the same way."""

import time
from unittest import mock

import pytest
import redis
from django.conf import settings
from django.core.cache import caches
from redis.client import Pipeline

from core import ratelimit


@pytest.fixture
def scope(request):
    # A scope of its own per test: counters live an hour and the shared Redis is not flushed between tests.
    return f"test-{request.node.name}-{time.time_ns()}"


def test_the_keys_of_one_attempt_are_counted_in_one_round_trip(scope):
    with mock.patch.object(Pipeline, "execute", autospec=True, side_effect=Pipeline.execute) as sent:
        assert ratelimit.allow_each(scope, ["+33611223344", "a@exemple.fr", "b@exemple.fr"], "1/h")
    assert sent.call_count == 1


def test_every_key_is_counted_even_when_one_of_them_is_refused(scope):
    assert ratelimit.allow_each(scope, ["+33611223344"], "1/h")
    assert not ratelimit.allow_each(scope, ["+33611223344", "a@exemple.fr"], "1/h")
    # The address was counted with the refused phone: its own limit is now reached too.
    assert not ratelimit.allow(scope, "a@exemple.fr", "1/h")
    assert ratelimit.allow(scope, "b@exemple.fr", "1/h")


def test_a_counter_goes_a_minute_after_its_window_ends(scope):
    ratelimit.allow(scope, "198.51.100.7", "5/m")
    client = redis.Redis.from_url(settings.REDIS_URL)
    [key] = client.keys(f"*ratelimit:{scope}:*")
    window_end = (int(time.time() // 60) + 1) * 60
    assert int(client.get(key)) == 1
    assert window_end + 60 - time.time() - 1 <= client.ttl(key) <= 120


def test_without_redis_the_counters_are_kept_in_memory(scope, settings):
    settings.CACHES = {**settings.CACHES, "counters": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert not isinstance(caches["counters"], ratelimit.RedisCache)
    assert [ratelimit.allow(scope, "198.51.100.7", "2/h") for _attempt in range(3)] == [True, True, False]
