"""The outbox's guards on outgoing SMS, asked by deliver() (delivery.py) just before an SMS would be handed to the
provider, so that they judge the moment it leaves, not the moment it was written:

- STOP: a number that answered STOP (SmsOptOut) gets only the answers to its own texts (`in_reply_to`). Any other SMS
  to it is withheld, never sent, those written before the STOP included; a START later does not revive them, they
  would arrive out of date.
- Per number: at most SMS_PER_NUMBER_PER_HOUR SMS handed to the provider for one number in any hour, and
  SMS_PER_NUMBER_PER_DAY in any 24 hours; the next waits until the window allows. Answers to the person's own texts
  count and wait like the others: an answer is precisely what a loop with an answering machine is made of, and the
  limit is what breaks it. Only an agent's own SMS (STAFF_SMS) is not held: a person typed it, one at a time.
- The daily budget: SMS_DAILY_BUDGET SMS parts a day (Paris). Staff are written to once a day when 80 % is spent and
  once when all is. Beyond, the messages a person helped is waiting for still go (ESSENTIAL: what happens to their
  request, the question whether help arrived, the answers to texts and agents' SMS); the others (a proposal, which the
  volunteer also receives by email) wait for the next morning.

A waiting SMS is not lost: its due time moves to when it may go, its task then finds it not due, and the sweep queues
it once that time has come, as after an SMS pause. Why it waits is logged and written on the row for the admin.

Two workers delivering to one number at the same moment take turns (a PostgreSQL advisory lock on the number, held
until deliver's transaction ends), so that both cannot pass the limit. The budget is not locked: that would put every
SMS of the portal in one line; two workers at once may spend one part beyond it, and its alerts are written once all
the same (outbox.sms_budget_alert).
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import connection
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from core.sms import sms_length
from notifications.enums import Channel, Event
from notifications.models import Notification, SmsOptOut

logger = logging.getLogger(__name__)

# Sent, with `threshold` (80 or 100), `spent` and `budget`, when an SMS takes the day's spending past a threshold.
# Staff's alert is an outbox row, which outbox.py writes: this module sits below it (the layers in pyproject.toml).
sms_budget_reached = Signal()
BUDGET_THRESHOLDS = (80, 100)  # percent, the highest first reached is the one told

# Beyond the budget, these still go: what a person helped is waiting for, or has just asked.
ESSENTIAL = frozenset({
    Event.REQUEST_RECEIVED, Event.REQUEST_TAKEN, Event.REQUEST_DONE, Event.REQUEST_ROUTED,
    Event.HELP_ARRIVED_ASKED, Event.SMS_ANSWER, Event.STAFF_SMS, Event.PROPOSAL_CONFIRMED,
    # The request handed to a responder outside the portal, and the link to say it is done: the help itself.
    Event.HANDOFF_SENT, Event.HANDOFF_FOLLOW_UP,
})  # fmt: skip
# Held back by the budget, a message leaves the next day at this hour rather than at midnight: no SMS wakes anyone.
AFTER_BUDGET_AT = time(8, 0)


@dataclass(frozen=True)
class Wait:
    """An SMS that may not go yet: when it may, and why (French, for the admin)."""

    until: datetime
    reason: str


# --- STOP ------------------------------------------------------------------------------------------------------------


def stop_reason(notification: Notification) -> str:
    """Why this SMS must never go ("" when it may): its number answered STOP and it answers no text of theirs."""
    if notification.channel != Channel.SMS or notification.in_reply_to_id:
        return ""
    opt_out = SmsOptOut.objects.filter(number=notification.recipient).first()
    if opt_out is None:
        return ""
    return _("Ce numéro a répondu STOP le %(date)s : il ne reçoit plus que les réponses à ses propres SMS.") % {
        "date": timezone.localtime(opt_out.created_at).strftime("%d/%m/%Y à %H:%M")
    }


# --- Per number ------------------------------------------------------------------------------------------------------


def take_turns(key: str) -> None:
    """Makes the transactions that take the same key run this part one after the other, until each ends. SQLite (the
    embedded default) serialises every write and runs tasks one at a time: nothing to take there."""
    if connection.vendor != "postgresql":
        return
    lock = int.from_bytes(hashlib.sha256(f"notifications:{key}".encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock])


def lock_number(number: str) -> None:
    """Deliveries to one number take turns, so that each counts the SMS the others sent."""
    take_turns(f"sms-number:{number}")


def handed_to_provider(since: datetime):
    """The SMS handed to the provider from `since` on, whatever the provider said of them since."""
    return Notification.objects.filter(channel=Channel.SMS, sent_at__gte=since)


def per_number_wait(notification: Notification, now: datetime) -> Wait | None:
    """When the number already had its SMS of the last hour or 24 hours, the moment the oldest of them leaves the
    window. Call it under lock_number(), in the transaction that sends."""
    if notification.event == Event.STAFF_SMS:
        return None
    windows = [
        (timedelta(hours=1), settings.SMS_PER_NUMBER_PER_HOUR, _("dans l'heure")),
        (timedelta(days=1), settings.SMS_PER_NUMBER_PER_DAY, _("en 24 heures")),
    ]
    for window, limit, period in windows:
        if limit <= 0:
            continue
        # The limit-th most recent SMS in the window: while it is in it, the number has had its share.
        oldest_counted = (
            handed_to_provider(now - window)
            .filter(recipient=notification.recipient)
            .order_by("-sent_at")
            .values_list("sent_at", flat=True)[limit - 1 : limit]
        )
        if oldest_counted:
            until = oldest_counted[0] + window
            return Wait(
                until,
                _("En attente jusqu'au %(time)s : ce numéro a reçu %(limit)s SMS %(period)s, la limite.")
                % {"time": _time(until), "limit": limit, "period": period},
            )
    return None


# --- Daily budget ----------------------------------------------------------------------------------------------------


def day_start(now: datetime) -> datetime:
    """Midnight of `now`'s day, in the portal's time zone (Europe/Paris)."""
    return timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))


def parts_spent_today(now: datetime | None = None) -> int:
    """SMS parts handed to the provider since midnight. Each row is one part: send_sms() refuses a text longer than one
    SMS (SmsTooLong) before any provider sees it, and sms_add() writes none (tests/notifications/test_guards.py ties
    the two), so a count gives what sms_length().parts summed over the bodies would, in one query."""
    return handed_to_provider(day_start(now or timezone.now())).count()


def is_essential(notification: Notification) -> bool:
    return notification.in_reply_to_id is not None or notification.event in ESSENTIAL


def budget_wait(notification: Notification, spent: int, now: datetime) -> Wait | None:
    """A message that is not essential waits for the next morning once it would spend beyond the day's budget."""
    budget = settings.SMS_DAILY_BUDGET
    if budget <= 0 or is_essential(notification) or spent + sms_length(notification.body).parts <= budget:
        return None
    tomorrow = timezone.make_aware(datetime.combine(timezone.localdate(now) + timedelta(days=1), AFTER_BUDGET_AT))
    return Wait(
        tomorrow,
        _("En attente jusqu'au %(time)s : le budget SMS du jour (%(budget)s) est dépensé.")
        % {"time": _time(tomorrow), "budget": budget},
    )


def budget_told(notification: Notification, spent_before: int) -> None:
    """Tells staff (through sms_budget_reached) when this SMS, just handed to the provider, took the day's spending
    past 80 % or 100 % of the budget. Only the SMS that crosses a threshold sends the signal."""
    budget = settings.SMS_DAILY_BUDGET
    if budget <= 0:
        return
    spent = spent_before + sms_length(notification.body).parts
    crossed = [t for t in BUDGET_THRESHOLDS if spent_before * 100 < t * budget <= spent * 100]
    if crossed:
        logger.warning("SMS budget: %s of %s parts spent today (%s %%)", spent, budget, crossed[-1])
        sms_budget_reached.send(sender=Notification, threshold=crossed[-1], spent=spent, budget=budget)


# --- What deliver() asks -----------------------------------------------------------------------------------------


def sms_wait(notification: Notification, now: datetime) -> tuple[Wait | None, int]:
    """Whether this SMS must wait, and the day's parts spent so far (for budget_told once it is sent). Takes the
    number's lock: call it in the transaction that sends."""
    lock_number(notification.recipient)
    wait = per_number_wait(notification, now)
    spent = parts_spent_today(now) if settings.SMS_DAILY_BUDGET > 0 else 0
    return wait or budget_wait(notification, spent, now), spent


def _time(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m à %H:%M")
