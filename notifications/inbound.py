"""SMS received: stored once per provider id, then handed to whoever acts on them (requests_app/sms_replies.py reads
them through the `sms_received` signal: this app sits below the requests and proposals a reply acts on).

The message is stored and committed before it is acted on: a reply whose action fails (a bug, a lock timeout) is
still in the record, and goes to the staff inbox rather than being lost.

Messages come in two ways: pushed by the provider to a webhook (Twilio: views.py), or collected from the provider's
inbox by a beat task (OVHcloud: `collect()`, tasks.py)."""

import logging
import unicodedata

from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from core.sms import Inbox, MalformedInbound, ReceivedSms, SmsAccountError, SmsError
from notifications.enums import InboundKind
from notifications.models import InboundSms

logger = logging.getLogger(__name__)

# Sent with `inbound`, an InboundSms just stored, inside a transaction of its own.
sms_received = Signal()


def readable(text: str) -> str:
    """The text without the control characters a phone or a provider may slip in (a NUL, which PostgreSQL refuses in a
    text column, would otherwise fail the message and, in OVHcloud's inbox, every poll after it)."""
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cs"))


def receive(message: ReceivedSms) -> InboundSms | None:
    """Stores an SMS received and has it acted on; None when the provider gives again one it already gave.

    It is stored as waiting for staff, and what acts on it says otherwise when it has: a worker killed while acting
    (a time limit, a lock that never came) leaves it in the inbox rather than looking dealt with."""
    inbound, created = InboundSms.objects.get_or_create(
        provider=message.provider,
        provider_message_id=message.message_id,
        defaults={
            "sender": message.sender,
            "body": readable(message.body),
            "received_at": message.received_at,
            "needs_staff": True,
            "outcome": _("En cours de traitement par le portail"),
        },
    )
    if not created:
        logger.info("SMS %s from %s received again: ignored", message.message_id, message.provider)
        return None
    try:
        with transaction.atomic():
            sms_received.send(sender=InboundSms, inbound=inbound)
    except Exception:
        logger.exception("SMS received %s could not be acted on: left to staff", inbound.pk)
        inbound.kind, inbound.needs_staff = InboundKind.OTHER, True
        inbound.outcome = _("Le portail n'a pas pu traiter ce message : à lire par un agent.")
        inbound.save(update_fields=["kind", "needs_staff", "outcome"])
    return inbound


def collect(inbox: Inbox) -> int:
    """Stores the messages waiting in a provider's inbox, then has the provider forget each one stored; returns how
    many were new. Nothing is lost on an error: a message is forgotten only once its row is committed (receive()
    runs in autocommit), and one not stored, or not forgotten, is listed again at the next poll, where a replay is
    harmless and one already stored is not even fetched again.

    Raises the SmsError of a provider that cannot be read at all (unreachable, keys refused), for the task to log."""
    waiting = inbox.waiting()
    stored = set(
        InboundSms.objects.filter(provider=inbox.provider, provider_message_id__in=waiting).values_list(
            "provider_message_id", flat=True
        )
    )
    new, forgetting = 0, True
    for message_id in waiting:
        if message_id not in stored:
            try:
                message = inbox.fetch(message_id)
            except MalformedInbound:
                # Left at the provider, where staff can read it in its own interface.
                logger.warning("SMS received %s cannot be read: left in the provider's inbox", message_id)
                continue
            except SmsAccountError:
                raise  # every other call would be refused alike
            except SmsError as error:
                logger.warning("SMS received %s not fetched, tried again at the next poll: %s", message_id, error)
                continue
            if message is None:
                continue  # gone since it was listed
            try:
                new += receive(message) is not None
            except Exception:
                # Left at the provider and taken up again at the next poll, without holding up the messages after it.
                logger.exception("SMS received %s not stored, tried again at the next poll", message_id)
                continue
        if not forgetting:
            continue
        try:
            inbox.forget(message_id)
        except SmsAccountError as error:
            # The keys may read but not delete: the messages are stored all the same, and skipped at each poll.
            logger.error("SMS received are not deleted at the provider (%s): grant the deletion to the keys", error)
            forgetting = False
        except SmsError as error:
            logger.warning(
                "SMS received %s stored but not deleted at the provider, tried again: %s", message_id, error
            )
    return new
