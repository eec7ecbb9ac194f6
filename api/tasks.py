from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from api.models import ApiCall, IdempotencyKey
from requests_app.retention import ACCESS_LOG_CLOCK_MARGIN_DAYS


def housekeeping_apply(now=None) -> dict[str, int]:
    """Idempotency keys past their time, call-log lines past ACCESS_LOG_DAYS (the trigger refuses younger ones)."""
    now = now or timezone.now()
    keys, _ = IdempotencyKey.objects.filter(
        created_at__lt=now - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)
    ).delete()
    calls, _ = ApiCall.objects.filter(
        at__lt=now - timedelta(days=settings.ACCESS_LOG_DAYS + ACCESS_LOG_CLOCK_MARGIN_DAYS)
    ).delete()
    return {"idempotency_keys": keys, "api_calls": calls}


@shared_task
def housekeeping() -> dict[str, int]:
    """Run by beat every hour."""
    return housekeeping_apply()
