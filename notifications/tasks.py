"""The outbox's tasks, thin: the rules of delivery are in delivery.py."""

import logging
from functools import partial

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.conf import settings
from django.db import transaction

from core import sms
from notifications import delivery, inbound

logger = logging.getLogger(__name__)


class DeliveryTask(DjangoTask):  # DjangoTask: what every other task of the project gets by default
    """A message's delivery, queued once the transaction that wrote its row commits: a rolled-back event sends
    nothing. Queueing never raises: the row is already stored, and one whose task could not be queued (Redis
    down) stays pending for the sweep. Failing there would show an error page for a request that was saved."""

    def enqueue(self, notification_id: int) -> None:
        try:
            self.apply_async((notification_id,), retry_policy=settings.NOTIFICATION_ENQUEUE_RETRY)
        except Exception:
            logger.exception("Notification %s not queued; the sweep will queue it again", notification_id)

    def enqueue_on_commit(self, notification_id: int) -> None:
        transaction.on_commit(partial(self.enqueue, notification_id))


@shared_task(base=DeliveryTask, bind=True, acks_late=True, reject_on_worker_lost=True)
def deliver_notification(self, notification_id: int) -> None:
    """Late acknowledgement: a worker killed while sending puts the task back; the row lock and the status
    check make the second run a no-op if the first had sent. The retry is a new task with a countdown."""
    retry_in = delivery.deliver(notification_id)
    if retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=retry_in.total_seconds(), max_retries=None)
    # Run in-process (no broker: the embedded default), a failed row stays pending for the sweep: waiting for
    # the backoff here would hold up the page that caused the message.


@shared_task
def sweep_outbox() -> int:
    """Queues again the messages whose task was lost (Redis down when they were written, a worker killed)."""
    overdue = delivery.claim_overdue()
    for notification_id in overdue:
        deliver_notification.enqueue(notification_id)
    return len(overdue)


@shared_task
def collect_inbound_sms() -> int:
    """Stores the SMS waiting at a provider that does not push them (OVHcloud); does nothing for one that does
    (Twilio: its webhook) or for a backend without a provider. A poll that fails leaves them for the next one."""
    try:
        inbox = sms.inbox()
        return inbound.collect(inbox) if inbox is not None else 0
    except sms.SmsAccountError as error:
        logger.error("SMS received not collected: the provider refuses the portal's account (%s)", error)
    except sms.SmsError as error:
        logger.warning("SMS received not collected, tried again at the next poll: %s", error)
    return 0
