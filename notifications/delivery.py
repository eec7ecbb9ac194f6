"""Delivering from the outbox: each row sent once, retried as its error allows, the rows whose task was lost found
again, and the SMS providers' delivery reports taken. The tasks (tasks.py) and the report views call this module;
outbox.py writes the rows and queues their tasks.

What a failed send leads to depends on the error's kind (core/sms.py):
- permanent (an invalid number, a landline): the row fails at once, with the provider's reason;
- the provider's account sends nothing (credit spent, credentials refused): every pending SMS waits SMS_PAUSE_MINUTES
  and staff are alerted, at most once a pause; only the message that met the refusal counts a try;
- anything else (the network, the provider's 5xx or rate limit, an SMTP error): tried again after backoff().
Whatever the kind, a row fails for good once it has been tried NOTIFICATION_MAX_ATTEMPTS times.

Before an SMS goes, the guards (guards.py) may withhold it for good (its number answered STOP) or make it wait (the
number's hourly or daily limit, the day's budget); neither counts a try.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from core.sms import DeliveryReport, SmsAccountError, SmsPermanentError
from notifications import guards
from notifications.enums import Channel, DeliveryStatus
from notifications.models import Notification

logger = logging.getLogger(__name__)

# Sent, with `error` and `until`, when the SMS channel pauses. Staff's alert is an outbox row, which outbox.py writes:
# delivery sits below it and cannot call it (the layers in pyproject.toml).
sms_paused = Signal()

BACKOFF_CAP_SECONDS = 3600


def backoff(attempts: int) -> timedelta:
    """Exponential, 1, 2, 4, 8… times the base delay, at most an hour: a provider's outage is not hammered,
    and with the default eight tries a message keeps being tried for about two hours."""
    return timedelta(seconds=min(settings.NOTIFICATION_RETRY_SECONDS * 2 ** (attempts - 1), BACKOFF_CAP_SECONDS))


# A retry task may run a little before its row's due time (clocks, broker timing): within this, it is due.
DUE_TOLERANCE = timedelta(seconds=5)


def deliver(notification_id: int) -> timedelta | None:
    """Sends one pending row, once. Returns the delay before the next try when sending failed and tries remain.

    The row stays locked while it is sent: a second task for the same row (a duplicate from the sweep, a
    redelivery after a worker was lost) waits, then finds it sent and does nothing; one that comes while the
    row waits for its next try does nothing either, so duplicates never shorten the backoff. Only a crash
    after the provider accepted the message and before the commit can send it twice.
    """
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        now = timezone.now()
        if notification is None or notification.status != DeliveryStatus.PENDING:
            return None
        if notification.next_attempt_at > now + DUE_TOLERANCE:
            return None  # its own retry task is scheduled for then, or the sweep queues it after an SMS pause
        if notification.channel == Channel.SMS:
            if reason := guards.stop_reason(notification):
                return _withheld(notification, reason)
            wait, spent_today = guards.sms_wait(notification, now)  # takes the number's lock until the commit
            if wait is not None:
                return _waits(notification, wait)
        notification.attempts += 1
        try:
            notification.provider_message_id = notification.send()
        except Exception as error:  # any backend error (SMTP, provider, timeout) is recorded, never lost
            return _failed(notification, error, now)
        notification.status, notification.sent_at = DeliveryStatus.SENT, now
        notification.save(update_fields=["attempts", "status", "sent_at", "provider_message_id"])
        if notification.channel == Channel.SMS:
            guards.budget_told(notification, spent_today)
        return None


def _withheld(notification: Notification, reason: str) -> None:
    notification.status, notification.last_error = DeliveryStatus.WITHHELD, reason
    notification.save(update_fields=["status", "last_error"])
    logger.info("Notification %s withheld: its number answered STOP", notification.pk)


def _waits(notification: Notification, wait: guards.Wait) -> None:
    """Its task has run and does not come back: the sweep queues the row once `wait.until` has come."""
    notification.next_attempt_at, notification.last_error = wait.until, wait.reason
    notification.save(update_fields=["next_attempt_at", "last_error"])
    logger.info("Notification %s waits until %s: %s", notification.pk, wait.until.isoformat(), wait.reason)


def _failed(notification: Notification, error: Exception, now: datetime) -> timedelta | None:
    notification.last_error = f"{type(error).__name__}: {error}"[:2000]
    if isinstance(error, SmsAccountError):
        retry_in = timedelta(minutes=settings.SMS_PAUSE_MINUTES)
        pause_sms(until=now + retry_in, error=error)
    elif isinstance(error, SmsPermanentError):
        retry_in = None
    else:
        retry_in = backoff(notification.attempts)
    if retry_in is None or notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
        retry_in, notification.status = None, DeliveryStatus.FAILED
        # The error's class only: its text may quote an address, and staff read it whole in the admin.
        logger.error("Notification %s failed for good: %s", notification.pk, type(error).__name__)
    else:
        notification.next_attempt_at = now + retry_in
    notification.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
    return retry_in


def pause_sms(*, until: datetime, error: SmsAccountError) -> None:
    """Every pending SMS waits until `until`, so that none spends a try on an account that sends nothing; their tasks,
    if they run before, find them not due, and the sweep queues them once the pause is over.

    Rows another worker holds are skipped rather than waited for (two workers pausing each other's rows would
    deadlock): that worker meets the same refusal and pauses its own."""
    waiting = (
        Notification.objects.pending()
        .filter(channel=Channel.SMS, next_attempt_at__lt=until)
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)
    )
    Notification.objects.filter(pk__in=list(waiting)).update(next_attempt_at=until)
    logger.error("SMS paused until %s: %s", until.isoformat(), type(error).__name__)
    sms_paused.send(sender=Notification, error=error, until=until)


@transaction.atomic
def record_report(report: DeliveryReport) -> bool:
    """A provider's delivery report on the SMS it names: delivered, or failed with the reason. Returns whether a row
    changed (a replay, or a report on a message this portal does not know, changes nothing).

    A report that overtakes its own message's commit (the provider answers before the row's id is stored) finds
    nothing: the message stays "sent", as it would had the provider sent no report."""
    notification = (
        Notification.objects.select_for_update()
        .filter(channel=Channel.SMS, provider_message_id=report.message_id)
        .first()
    )
    if notification is None:
        logger.info("Delivery report for an unknown SMS id")
        return False
    return notification.record_report(report, timezone.now())


def claim_overdue(now=None) -> list[int]:
    """The pending rows whose task was lost, for the sweep to queue again. Their due time moves to now, so the
    next sweep leaves them alone while their new task waits its turn behind others."""
    now = now or timezone.now()
    overdue = list(Notification.objects.overdue(now).order_by("next_attempt_at").values_list("pk", flat=True)[:1000])
    Notification.objects.filter(pk__in=overdue).update(next_attempt_at=now)
    return overdue
