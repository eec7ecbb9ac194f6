from celery import shared_task

from requests_app import arrival, handoffs, notices
from requests_app.retention import retention_apply


@shared_task
def apply_retention() -> dict[str, int]:
    """Run by beat every night: anonymises old closed requests, purges unverified accounts (see retention.py)."""
    return retention_apply()


@shared_task
def alert_urgent_unassigned() -> int:
    """Run by beat every ten minutes: urgent requests nobody took in time are signalled to staff, once."""
    return notices.urgent_unassigned_alert()


@shared_task
def send_daily_digests() -> int:
    """Run by beat every morning: each organisation with applications or requests waiting hears of them."""
    return notices.daily_digests()


@shared_task
def alert_overdue_callbacks() -> int:
    """Run by beat every five minutes: callbacks late by CALLBACK_OVERDUE_ALERT_MINUTES are signalled, once each."""
    return notices.callbacks_overdue_alert()


@shared_task
def reopen_unanswered_arrivals() -> int:
    """Run by beat every quarter of an hour: "did help arrive?" unanswered in ARRIVAL_ANSWER_HOURS goes to staff."""
    return arrival.unanswered_reopen()


@shared_task
def alert_unanswered_hand_offs() -> int:
    """Run by beat every quarter of an hour: hand-offs outside the portal unanswered in HANDOFF_ANSWER_HOURS are
    signalled to staff, once each."""
    return handoffs.hand_offs_unanswered_alert()
