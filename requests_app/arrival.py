"""Did help arrive? Once a request is done, whoever chose to be kept informed by SMS is asked, in the SMS that tells
them it is done: "L'aide est-elle bien arrivée ? Répondez 1 pour oui, 2 pour non.", never at night (asking_time).

1 closes the loop (counted on /pilotage/). 2 reopens the request for an agent, who is alerted by email and calls the
person back. No answer within ARRIVAL_ANSWER_HOURS reopens it the same way, once (a beat task): a person who never
answers may be the one help never reached. An answer that comes after that is still recorded, and shown to staff.

Where the volunteer advanced the money for the shopping (requests_app/advances.py), the question names the amount
and asks whether it is right too: 1 confirms the advance, 2 disputes it (and reopens the request, as above).

A request is asked once: a request reopened and done again is not asked again, whatever the first answer was.
The answers arrive through requests_app/sms_replies.py, which finds the question an SMS answers.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from core import hotline
from notifications.enums import Event
from notifications.models import SmsOptOut
from notifications.outbox import absolute_url, sms_add, sms_context_fitting, staff_email_add
from requests_app import advances, notices
from requests_app.enums import ContactChannel, Status
from requests_app.models import HelpRequest, StatusChange

# The hours the question may leave, in the portal's time zone (Europe/Paris).
ASKING_FROM, ASKING_UNTIL = time(9, 0), time(20, 0)


def asked_number(help_request: HelpRequest) -> str:
    """The number asked: the requester's, when SMS is the channel they chose (the form's choice and the number it
    requires are the requester's; the caller at the hotline is the requester, often the person helped)."""
    if help_request.preferred_channel == ContactChannel.SMS and help_request.requester_phone:
        return help_request.requester_phone.as_e164
    return ""


def awaits_answer(help_request: HelpRequest) -> bool:
    return help_request.arrival_asked_at is not None and help_request.help_arrived is None


def asked_to(number: str):
    """The requests whose question this number was asked and has not answered, reopened or not."""
    return HelpRequest.objects.filter(
        requester_phone=number, arrival_asked_at__isnull=False, help_arrived__isnull=True
    ).select_related("commune", "help_type")


def request_done(help_request: HelpRequest) -> None:
    """The requester is told the request is done; someone who chose SMS is asked in the same SMS whether help
    arrived (one text rather than two at once), by email as before otherwise."""
    asked = ask(help_request)
    notices.request_done(help_request, sms=not asked)


@transaction.atomic  # the question is written with its due time: its delivery task, run at the commit, finds it so
def ask(help_request: HelpRequest) -> bool:
    """Asks, once per request, unless the number answered STOP: its question would never reach it, and its silence
    would then reopen the request for nothing. Asked at night, the question waits for the morning (asking_time).
    Whether it was asked."""
    number = asked_number(help_request)
    if not number or help_request.arrival_asked_at is not None or SmsOptOut.objects.filter(number=number).exists():
        return False
    now = timezone.now()
    asked_at = asking_time(now)
    help_request.arrival_asked_at = asked_at  # the ARRIVAL_ANSWER_HOURS run from when the question leaves
    help_request.save(update_fields=["arrival_asked_at"])
    advance = advances.advance_awaiting_for(help_request)
    context = sms_context_fitting(
        Event.HELP_ARRIVED_ASKED,
        {
            "help_request": help_request,
            "hotline": hotline.number(),
            "advance_amount": advances.euros(advance.amount) if advance else "",
        },
        "hotline",
    )
    question = sms_add(Event.HELP_ARRIVED_ASKED, to=number, context=context, help_request=help_request)
    if question is not None and asked_at > now:
        # Its delivery task finds it not due and does nothing; the outbox's sweep sends it once that time has come.
        question.next_attempt_at = asked_at
        question.save(update_fields=["next_attempt_at"])
    return True


def asking_time(now: datetime) -> datetime:
    """When the question may leave: now between ASKING_FROM and ASKING_UNTIL (Paris), else the next ASKING_FROM.
    A request done in the evening is not asked about at night: the SMS would wake the person it reaches."""
    local = timezone.localtime(now)
    if ASKING_FROM <= local.time() < ASKING_UNTIL:
        return now
    day = local.date() if local.time() < ASKING_FROM else local.date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, ASKING_FROM))


@dataclass(frozen=True)
class Answered:
    """What an answer did, in a sentence for the staff inbox, and whether an agent must look at it."""

    outcome: str
    needs_staff: bool = False


@transaction.atomic
def answer(help_request: HelpRequest, *, arrived: bool) -> Answered:
    """Records the person's 1 or 2. The row is locked and read again: the beat task reopening unanswered requests
    may be at it. A 2 reopens a done request for an agent, who is alerted; an answer to a request already reopened
    (no answer in time) is recorded and left to staff, with a note on the request."""
    help_request = HelpRequest.objects.select_for_update(of=("self",)).get(pk=help_request.pk)
    if help_request.help_arrived is not None:  # two texts at once: the first one counts, a person reads the other
        return Answered(_("Réponse déjà reçue pour cette demande : rien n'a changé, à vérifier"), needs_staff=True)
    help_request.help_arrived, help_request.arrival_answered_at = arrived, timezone.now()
    help_request.save(update_fields=["help_arrived", "arrival_answered_at"])
    # The question named the amount the volunteer advanced, if any: the same 1 or 2 confirms or disputes it.
    advance = advances.advance_answered_by_sms(help_request, confirmed=arrived)
    if help_request.status != Status.DONE:
        said = _("l'aide est arrivée") if arrived else _("l'aide n'est pas arrivée")
        note = _("Réponse par SMS reçue après la réouverture de la demande : %(said)s.") % {"said": said}
        help_request.notes.create(author=None, text=note)
        late = _("Réponse tardive (%(said)s) : la demande était déjà rouverte, à vérifier") % {"said": said}
        if advance is not None and not arrived:
            advances.dispute_alert(advance)
        return Answered(late, needs_staff=True)
    if arrived:
        if advance is not None:
            return Answered(_("Aide arrivée et avance confirmée, selon la personne"))
        return Answered(_("Aide arrivée, selon la personne"))
    if advance is not None:
        note = _(
            "L'aide n'est pas arrivée ou l'avance du bénévole est contestée, selon la réponse de la personne par SMS."
        )
    else:
        note = _("L'aide n'est pas arrivée, selon la réponse de la personne par SMS.")
    help_request.mark_needs_staff(note=note)
    _staff_alert(help_request, unanswered=False, advance=advance)
    if advance is not None:
        return Answered(_("Aide non arrivée ou avance contestée : demande rouverte, agents alertés"))
    return Answered(_("Aide non arrivée : demande rouverte, agents alertés"))


def _unanswered(now: datetime):
    reopened = StatusChange.objects.filter(
        help_request=OuterRef("pk"), from_status=Status.DONE, to_status=Status.NEEDS_STAFF
    )
    return HelpRequest.objects.filter(
        status=Status.DONE,
        help_arrived__isnull=True,
        arrival_asked_at__lte=now - timedelta(hours=settings.ARRIVAL_ANSWER_HOURS),
    ).exclude(Exists(reopened))


def unanswered_reopen(now: datetime | None = None) -> int:
    """Requests still unanswered ARRIVAL_ANSWER_HOURS after the question go back to an agent, who is alerted: once,
    since a request reopened before is left out. A request whose answer is being recorded at that moment is locked:
    it is skipped, and is answered."""
    now = now or timezone.now()
    with transaction.atomic():
        late = list(
            _unanswered(now)
            .select_related("commune", "help_type")
            .select_for_update(of=("self",), skip_locked=True)
            .order_by("arrival_asked_at")
        )
        for help_request in late:
            help_request.mark_needs_staff(
                note=_("Pas de réponse par SMS %(hours)s h après « L'aide est-elle bien arrivée ? » : à vérifier.")
                % {"hours": settings.ARRIVAL_ANSWER_HOURS}
            )
            _staff_alert(help_request, unanswered=True)
    return len(late)


def _staff_alert(help_request: HelpRequest, *, unanswered: bool, advance=None) -> None:
    """No personal data: the reference, help type and commune, and the link to the request's page; the amount of a
    disputed advance."""
    context = {
        "help_request": help_request,
        "unanswered": unanswered,
        "advance_amount": advances.euros(advance.amount) if advance else "",
        "hours": settings.ARRIVAL_ANSWER_HOURS,
        "url": absolute_url("admin:requests_app_helprequest_change", help_request.pk),
    }
    staff_email_add(Event.HELP_NOT_ARRIVED, context=context, help_request=help_request)
