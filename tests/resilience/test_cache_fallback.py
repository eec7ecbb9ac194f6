"""The cache's guard, the health endpoints and the staff's warning, in-process, against a Redis that answers and one
that does not (a port nothing listens on, or the test's own redis-server)."""

from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from core.cache import RedisWithDatabaseFallback
from core.models import RateLimitCounter
from notifications.enums import Channel, DeliveryStatus, Event
from notifications.models import Notification
from requests_app.retention import retention_apply
from tests.resilience.conftest import free_port, wait_until

pytestmark = pytest.mark.django_db


def redis_cache(url: str, *, retry_after: float = 0) -> RedisWithDatabaseFallback:
    cache = RedisWithDatabaseFallback(
        url, {"KEY_PREFIX": "fallback-test", "FALLBACK": "database", "OPTIONS": settings.REDIS_CACHE_OPTIONS}
    )
    cache.RETRY_AFTER_SECONDS = retry_after  # the tests say when Redis is tried again
    return cache


def test_with_redis_down_every_cache_operation_is_done_in_the_database():
    cache = redis_cache(f"redis://127.0.0.1:{free_port()}/0")
    database = caches["database"]

    cache.set("page", "rendered", 60)
    assert cache.get("page") == "rendered"
    assert database.get("page") == "rendered"
    assert cache.add("lock", True, 60) is True
    assert cache.add("lock", True, 60) is False  # a lock taken during the outage holds, as allauth needs
    cache.set("count", 1, 60)
    assert cache.incr("count") == 2
    assert "count" in cache
    cache.delete("page")
    assert cache.get("page", "missing") == "missing"


def test_with_redis_up_nothing_is_written_to_the_database(own_redis):
    cache = redis_cache(own_redis.url)
    cache.set("page", "rendered", 60)
    assert cache.get("page") == "rendered"
    assert caches["database"].get("page") is None


def test_after_a_failure_the_process_leaves_redis_alone_for_a_while(own_redis):
    cache = redis_cache(own_redis.url, retry_after=3600)
    own_redis.stop()
    cache.set("page", "during the outage", 60)
    own_redis.start()
    # Within the pause, no operation waits on Redis (one that hangs would cost each its timeout).
    assert cache.get("page") == "during the outage"
    cache._down_until = 0  # the pause is over
    assert cache.get("page") is None  # Redis, empty after its restart, answers again


def test_what_either_side_held_during_the_outage_is_forgotten_when_redis_answers_again(own_redis):
    """Redis may come back with its data (kept on disk, or only unreachable for a while): a list version bumped or a
    session ended during the outage must not come back from Redis's older copy, nor from the database later."""
    cache = redis_cache(own_redis.url)
    cache.set("mission-list-version", "before the outage", None)
    redis.Redis(port=own_redis.port).execute_command("CLIENT", "PAUSE", "1500", "ALL")  # unreachable, data kept
    cache.set("mission-list-version", "bumped during the outage", None)
    assert caches["database"].get("mission-list-version") == "bumped during the outage"
    wait_until(lambda: redis.Redis(port=own_redis.port, socket_timeout=0.2).ping(), timeout=10, what="Redis")

    assert cache.get("mission-list-version") is None
    assert caches["database"].get("mission-list-version") is None


def test_health_names_redis_when_it_is_down_and_still_answers_200_for_the_load_balancer(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    health = client.get(reverse("core:health"))
    assert health.status_code == 200
    assert health.json() == {"status": "degraded", "checks": {"database": "ok", "redis": "down"}}
    full = client.get(reverse("core:health_full"))
    assert full.status_code == 503
    assert full.json()["checks"]["redis"] == "down"


def test_health_answers_503_when_the_database_does_not(client, monkeypatch):
    monkeypatch.setattr("core.views.dependencies_status", lambda: {"database": "down", "redis": "ok"})
    health = client.get(reverse("core:health"))
    assert health.status_code == 503
    assert health.json()["status"] == "down"


def test_health_answers_ok_when_everything_does(client):
    for name in ("core:health", "core:health_full"):
        health = client.get(reverse(name))
        assert health.status_code == 200
        assert health.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


def pending_message(**fields) -> Notification:
    return Notification.objects.create(
        event=Event.REQUEST_RECEIVED, channel=Channel.SMS, recipient="+33611223344", body="Demande reçue",
        status=DeliveryStatus.PENDING, **fields,
    )  # fmt: skip


def test_staff_are_told_on_the_dashboard_that_the_message_queue_is_down(client, staff, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    pending_message()
    pending_message()
    content = client.get(reverse("pilotage:dashboard")).content.decode()
    assert "La file des messages est arrêtée : Redis ne répond pas" in content
    assert "2 messages (électroniques ou SMS) attendent dans la base" in content


def test_staff_are_told_when_messages_are_late_although_redis_answers(client, staff):
    pending_message(next_attempt_at=timezone.now() - timedelta(hours=1))
    content = client.get(reverse("pilotage:dashboard")).content.decode()
    assert "Redis ne répond pas" not in content
    assert "1 message attend depuis plus longtemps que prévu" in content


def test_the_dashboard_says_nothing_when_messages_flow(client, staff):
    pending_message(next_attempt_at=timezone.now())
    content = client.get(reverse("pilotage:dashboard")).content.decode()
    assert 'id="message-queue"' not in content


def test_rate_limit_counters_kept_in_the_database_go_once_their_window_is_over():
    now = timezone.now()
    RateLimitCounter.objects.create(key="ratelimit:over", count=3, expires_at=now - timedelta(minutes=1))
    RateLimitCounter.objects.create(key="ratelimit:running", count=3, expires_at=now + timedelta(minutes=30))
    retention_apply(now)
    assert list(RateLimitCounter.objects.values_list("key", flat=True)) == ["ratelimit:running"]
