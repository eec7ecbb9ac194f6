import pytest
import redis
from celery.result import EagerResult
from django.conf import settings
from django.core.cache import cache

from core.tasks import ping


def test_the_cache_is_the_real_redis():
    cache.set("entraide-test-key", "valeur", timeout=30)
    raw = redis.Redis.from_url(settings.REDIS_URL)
    assert any(b"entraide-test-key" in key for key in raw.keys("*entraide-test-key*"))
    assert cache.get("entraide-test-key") == "valeur"
    cache.delete("entraide-test-key")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("real_worker")
def test_a_task_goes_through_redis_to_a_real_worker_and_back():
    result = ping.delay()
    assert not isinstance(result, EagerResult)
    assert result.get(timeout=20) == "pong"
