"""What an agent does with an SMS the portal could not act on by itself ("SMS reçus", requests_app/admin/inbox.py):
answer it by SMS, or mark it dealt with (a call was made, nothing was needed).

An answer is an outbox row like any other, tied to the message it answers (`in_reply_to`): a number that answered
STOP still receives it, since the person has just written to the portal.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.sms import gsm7_spelling, sms_length
from notifications import outbox
from notifications.enums import Event
from notifications.models import InboundSms, Notification


class AlreadyHandled(Exception):
    """Another agent dealt with the message while this one was reading it: nothing is sent twice by accident."""


def staff_sms_body(text: str) -> str:
    """The SMS as it will leave: the template (the portal's name before the agent's words), spelled with the
    characters every phone shows, as the outbox spells it."""
    return gsm7_spelling(outbox.render(Event.STAFF_SMS, "sms.txt", {"text": text}))


def non_gsm7_characters(text: str) -> list[str]:
    """The characters that would turn the whole SMS into Unicode, 70 characters an SMS (an emoji, a rare letter)."""
    return sorted({character for character in text if sms_length(character).encoding != "GSM-7"})


def _locked(inbound: InboundSms, seen_handled_at) -> InboundSms:
    """The message, locked until the transaction ends; refused if its handling changed since the agent's page showed
    it (another agent answered or closed it meanwhile)."""
    current = InboundSms.objects.select_for_update(of=("self",)).select_related("handled_by").get(pk=inbound.pk)
    if current.handled_at != seen_handled_at:
        when = timezone.localtime(current.handled_at)
        who = current.handled_by or _("un agent")
        raise AlreadyHandled(
            _(
                "%(who)s a traité ce message à %(time)s, pendant que vous le lisiez : rien n'est parti. Relisez la "
                "conversation avant de répondre."
            )
            % {"who": who, "time": f"{when:%H:%M}"}
        )
    return current


@transaction.atomic
def inbound_sms_answer(*, inbound: InboundSms, text: str, by, seen_handled_at=None) -> Notification | None:
    """Staff's answer, from the inbox: one SMS to the sender, about the same request, and the message dealt with."""
    inbound = _locked(inbound, seen_handled_at)
    notification = outbox.sms_add(
        Event.STAFF_SMS,
        to=inbound.sender,
        context={"text": text},
        help_request=inbound.help_request,
        in_reply_to=inbound,
    )
    inbound.mark_handled(by=by)
    return notification


@transaction.atomic
def inbound_sms_handled(*, inbound: InboundSms, by, seen_handled_at=None) -> None:
    """ "Marquer comme traité": dealt with without an SMS (a call, or nothing to answer)."""
    _locked(inbound, seen_handled_at).mark_handled(by=by)
