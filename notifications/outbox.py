"""Writing to the outbox: the messages of the portal's events, staff's "try again", and the state of the queue.

A row is written in the transaction of the event that causes it and its delivery task is enqueued once that
transaction commits: a rolled-back event sends nothing, and a committed one cannot lose its message, because
a row whose task never ran (broker down, worker killed) is enqueued again by the sweep (delivery.py, tasks.py).
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from phonenumber_field.phonenumber import PhoneNumber

from accounts.roles import staff_emails
from core import health
from core.sms import SmsQuotaExhausted, cut_to_one_sms, fits_one_sms, gsm7_spelling, links_allowed
from notifications.delivery import sms_paused
from notifications.enums import Channel, DeliveryStatus, Event
from notifications.guards import AFTER_BUDGET_AT, day_start, sms_budget_reached, take_turns
from notifications.models import Notification
from notifications.tasks import deliver_notification

logger = logging.getLogger(__name__)
_muted = ContextVar("notifications_muted", default=False)
_gathering: ContextVar[list[Notification] | None] = ContextVar("notifications_gathering", default=None)


@contextmanager
def muted():
    """Writes no message for what happens inside: for the invented people of the demo data only."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


@contextmanager
def gathered():
    """The rows written inside are inserted together as it ends, in one INSERT, each queued for delivery once the
    transaction commits as a single row is: for the many messages of the matching's batch."""
    rows: list[Notification] = []
    token = _gathering.set(rows)
    try:
        yield
    finally:
        _gathering.reset(token)
    Notification.objects.bulk_create(rows)
    for notification in rows:
        deliver_notification.enqueue_on_commit(notification.pk)


def render(event: Event, part: str, context: dict) -> str:
    # Messages are written in French whatever the language of the page that caused them.
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            f"notifications/{event}/{part}",
            {"portal_name": settings.PORTAL_NAME, "site_url": settings.SITE_URL, **context},
        ).strip()


def email_subject(event: Event, context: dict) -> str:
    return f"[{settings.PORTAL_NAME}] {render(event, 'subject.txt', context)}"


def email_add(event: Event, *, to: str, context: dict, help_request=None) -> Notification | None:
    if not to or _muted.get():
        return None
    return _add(
        Notification(
            event=event,
            channel=Channel.EMAIL,
            recipient=to,
            subject=email_subject(event, context),
            body=render(event, "body.txt", context),
            help_request=help_request,
        )
    )


def sms_add(
    event: Event, *, to: PhoneNumber | str, context: dict, help_request=None, in_reply_to=None
) -> Notification | None:
    """An SMS to someone other than the beneficiary carries no personal data: the templates are written so,
    and tests check it. The templates fit in one SMS of GSM characters with the longest names (tested). A name with
    a character GSM lacks (Joûte) would make the whole text Unicode, 70 characters an SMS: it is spelled without it
    instead, and a link left out when it is what makes the text too long (sms_text). Should a text still not fit, it
    is cut rather than lost with its event, and the error logged so that the template gets fixed. `in_reply_to` is
    the SMS received it answers: an answer reaches even a number that answered STOP, since the person has just
    written to the portal."""
    if not to or _muted.get():
        return None
    body = sms_text(event, context)
    if not fits_one_sms(body):
        logger.error("SMS for %s is %s characters long: cut to one SMS", event, len(body))
        body = cut_to_one_sms(body)
    number = getattr(to, "as_e164", str(to))  # a PhoneNumber's str() is spaced for reading, not for a provider
    return _add(
        Notification(
            event=event,
            channel=Channel.SMS,
            recipient=number,
            body=body,
            help_request=help_request,
            in_reply_to=in_reply_to,
        )
    )


def sms_text(event: Event, context: dict) -> str:
    """The SMS an event's template writes, in one SMS when it can be: spelled in GSM when a name would make it
    Unicode, and without its link when the link is what makes it too long (the template says where the details are
    instead). Templates show a link only when `sms_links` is set, as the provider in use carries links."""
    for sms_links in (True, False) if links_allowed() else (False,):
        body = render(event, "sms.txt", {**context, "sms_links": sms_links})
        if not fits_one_sms(body):
            body = gsm7_spelling(body)
        if fits_one_sms(body):
            return body
    return body


def sms_context_fitting(event: Event, context: dict, *optional: str) -> dict:
    """The context with its optional parts left out, one after the other in the order given, until the event's SMS
    fits in one: what is said only when there is room ("Besoin d'aide : 03 83 94 54 54", "(pour Raymonde)")."""
    context = dict(context)
    for name in optional:
        if fits_one_sms(sms_text(event, context)):
            break
        context[name] = ""
    return context


def absolute_url(name: str, *args) -> str:
    """A link for a message: workers have no request to build it from, so it starts from SITE_URL."""
    return settings.SITE_URL + reverse(name, args=args)


def staff_email_add(event: Event, *, context: dict, help_request=None) -> None:
    """An email to each member of the département's staff who receives alerts."""
    for address in staff_emails():
        email_add(event, to=address, context=context, help_request=help_request)


def _add(notification: Notification) -> Notification:
    if (gathering := _gathering.get()) is not None:
        gathering.append(notification)  # saved as `gathered` ends
        return notification
    notification.save()
    deliver_notification.enqueue_on_commit(notification.pk)
    return notification


@transaction.atomic
def retry(notifications) -> int:
    """Staff's "try again" on failed rows: a fresh series of attempts, starting now."""
    ids = list(notifications.filter(status=DeliveryStatus.FAILED).values_list("pk", flat=True))
    Notification.objects.filter(pk__in=ids).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), provider_message_id="",
        reported_at=None,
    )  # fmt: skip
    for notification_id in ids:
        deliver_notification.enqueue_on_commit(notification_id)
    return len(ids)


WAITING_SMS_FILTER = "?channel__exact=sms&status__exact=pending"  # the admin's list of the SMS a pause holds


@receiver(sms_paused)
def sms_paused_alert(sender, *, error, until, **kwargs) -> None:
    """Staff learn that no SMS leaves, and why, once for each pause: topping up the provider's credit is theirs to
    do, and meanwhile whoever waits for an SMS may need a call."""
    pause = timedelta(minutes=settings.SMS_PAUSE_MINUTES)
    if Notification.objects.filter(event=Event.SMS_PAUSED, created_at__gt=timezone.now() - pause).exists():
        return
    context = {
        "credit": isinstance(error, SmsQuotaExhausted),
        "provider": settings.SMS_BACKEND,
        "waiting": Notification.objects.pending().filter(channel=Channel.SMS).count(),
        "until": until,
        "minutes": settings.SMS_PAUSE_MINUTES,
        "max_attempts": settings.NOTIFICATION_MAX_ATTEMPTS,
        "url": absolute_url("admin:notifications_notification_changelist") + WAITING_SMS_FILTER,
    }
    staff_email_add(Event.SMS_PAUSED, context=context)


@receiver(sms_budget_reached)
def sms_budget_alert(sender, *, threshold: int, spent: int, budget: int, **kwargs) -> None:
    """Staff learn once a day that 80 % of the SMS budget is spent, and once that all is: they may raise it, or call
    the volunteers whose proposals now wait for the morning. Two workers crossing the threshold at the same moment
    take turns here (the lock), and the second finds the first's alert."""
    now = timezone.now()
    context = {
        "threshold": threshold,
        "spent": spent,
        "budget": budget,
        "resume_at": AFTER_BUDGET_AT,
        "url": absolute_url("admin:notifications_notification_changelist") + WAITING_SMS_FILTER,
    }
    subject = email_subject(Event.SMS_BUDGET, context)  # says the threshold, and tells the day's two alerts apart
    take_turns("sms-budget-alert")
    if Notification.objects.filter(event=Event.SMS_BUDGET, subject=subject, created_at__gte=day_start(now)).exists():
        return
    staff_email_add(Event.SMS_BUDGET, context=context)


@dataclass(frozen=True)
class QueueState:
    """For staff: whether messages can leave now, and how many wait in the outbox."""

    redis: str
    waiting: int
    late: int

    @property
    def down(self) -> bool:
        return self.redis == health.DOWN


def queue_state(now=None) -> QueueState:
    return QueueState(
        redis=health.redis_status(),
        waiting=Notification.objects.pending().count(),
        late=Notification.objects.overdue(now).count(),
    )
