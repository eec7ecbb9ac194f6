"""SMS received: stored once per provider id, then handed to whoever acts on them (requests_app/sms_replies.py reads
them through the `sms_received` signal: this app sits below the requests and proposals a reply acts on).

The message is stored and committed before it is acted on: a reply whose action fails (a bug, a lock timeout) is
still in the record, and goes to the staff inbox rather than being lost."""

import logging

from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from core.sms import ReceivedSms
from notifications.enums import InboundKind
from notifications.models import InboundSms

logger = logging.getLogger(__name__)

# Sent with `inbound`, an InboundSms just stored, inside a transaction of its own.
sms_received = Signal()


def receive(message: ReceivedSms) -> InboundSms | None:
    """Stores an SMS received and has it acted on; None when the provider gives again one it already gave."""
    inbound, created = InboundSms.objects.get_or_create(
        provider=message.provider,
        provider_message_id=message.message_id,
        defaults={"sender": message.sender, "body": message.body, "received_at": message.received_at},
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
