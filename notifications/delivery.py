"""Delivering from the outbox: each row sent once, retried with a growing delay, and the rows whose task was lost
found again. The tasks (tasks.py) call this module; outbox.py writes the rows and queues their tasks."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.enums import DeliveryStatus
from notifications.models import Notification

logger = logging.getLogger(__name__)

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
            return None  # its own retry task is scheduled for then
        notification.attempts += 1
        try:
            notification.send()
        except Exception as error:  # any backend error (SMTP, provider, timeout) is recorded, never lost
            notification.last_error = f"{type(error).__name__}: {error}"[:2000]
            retry_in = None
            if notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
                notification.status = DeliveryStatus.FAILED
                # The error's class only: its text may quote an address, and staff read it whole in the admin.
                logger.error("Notification %s failed for good: %s", notification.pk, type(error).__name__)
            else:
                retry_in = backoff(notification.attempts)
                notification.next_attempt_at = now + retry_in
            notification.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            return retry_in
        notification.status, notification.sent_at = DeliveryStatus.SENT, now
        notification.save(update_fields=["attempts", "status", "sent_at"])
        return None


def claim_overdue(now=None) -> list[int]:
    """The pending rows whose task was lost, for the sweep to queue again. Their due time moves to now, so the
    next sweep leaves them alone while their new task waits its turn behind others."""
    now = now or timezone.now()
    overdue = list(Notification.objects.overdue(now).order_by("next_attempt_at").values_list("pk", flat=True)[:1000])
    Notification.objects.filter(pk__in=overdue).update(next_attempt_at=now)
    return overdue
