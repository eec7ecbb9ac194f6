from celery import shared_task

from notifications import events, outbox


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def deliver_notification(self, notification_id: int) -> None:
    """Late acknowledgement: a worker killed while sending puts the task back; the row lock and the status
    check make the second run a no-op if the first had sent. The retry is a new task with a countdown."""
    retry_in = outbox.deliver(notification_id)
    if retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=retry_in.total_seconds(), max_retries=None)
    # Run in-process (no broker: the embedded default), a failed row stays pending for the sweep: waiting for
    # the backoff here would hold up the page that caused the message.


@shared_task
def sweep_outbox() -> int:
    return outbox.sweep()


@shared_task
def alert_urgent_unassigned() -> int:
    return events.urgent_unassigned_alert()


@shared_task
def send_daily_digests() -> int:
    return events.daily_digests()
