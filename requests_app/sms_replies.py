"""What the portal does with an SMS a person sends it (notifications/inbound.py stores it, then hands it here).

`read` says what the text means, whoever sent it: a yes or a no (with the code of the request it answers, when
given), STOP, START, AIDE, or anything else. `act` then decides what it answers, from who sent it:

- a volunteer answers a proposal ("OUI 9PXD", "non merci"): the same services as her proposal page run, with the
  same rules, and she is told the outcome; the person's first name, commune and phone come only once the
  assignment is hers;
- a person asked whether help arrived answers 1 or 2 (requests_app/arrival.py);
- STOP, START and AIDE are answered at once, whoever sends them;
- anything else, and whatever the portal cannot tie to one question, goes to the staff inbox ("SMS reçus").

Each SMS received ends with what it was read as, the request and proposal it is about, and a short sentence of
what was done (`outcome`) that staff read in the inbox. The answers are written with `in_reply_to`: they reach a
number that answered STOP, since the person has just written.
"""

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import hotline
from core.phones import readable_phone
from matching.enums import ProposalStatus
from matching.models import Proposal, ProposalError
from matching.services import RulesShown, proposal_accept, proposal_decline_and_offer_next
from notifications.enums import Channel, DeliveryStatus, Event, InboundKind
from notifications.models import InboundSms, Notification, SmsOptOut
from notifications.outbox import absolute_url, sms_add, sms_context_fitting, staff_email_add
from requests_app import arrival
from requests_app.enums import CLOSED_STATUSES, RequesterRelation
from requests_app.models import HelpRequest
from requests_app.names import first_name
from requests_app.privacy import assignment_contact_sent
from requests_app.references import CROCKFORD_ALPHABET, LOOKALIKE_DIGITS, normalise_reference
from volunteers.models import VolunteerProfile

# --- Reading ------------------------------------------------------------------------------------------------------

# The words each reply may be written with, once accents, case, apostrophes and punctuation are gone ("Arrêt." is
# ARRET, "d'accord" DACCORD). 1 and 2 answer "L'aide est-elle bien arrivée ?"; a volunteer may use them too.
STOP_WORDS = frozenset({"STOP", "ARRET", "ARRETER", "ARRETEZ", "STOPSMS", "STOPPER", "DESINSCRIPTION", "UNSUBSCRIBE"})
START_WORDS = frozenset({"START", "REPRISE", "REPRENDRE", "UNSTOP"})
HELP_WORDS = frozenset({"AIDE", "HELP", "INFO", "INFOS"})
ANSWER_WORDS = {
    **dict.fromkeys(("OUI", "OK", "OKAY", "OKE", "DACCORD", "DAC", "YES", "ACCEPTE", "JACCEPTE"), InboundKind.ACCEPT),
    **dict.fromkeys(("NON", "NO", "REFUSE", "JEREFUSE", "DECLINE", "INDISPONIBLE"), InboundKind.DECLINE),
    "1": InboundKind.ARRIVED,
    "2": InboundKind.NOT_ARRIVED,
}
KEYWORDS = STOP_WORDS | START_WORDS | HELP_WORDS | frozenset(ANSWER_WORDS)
# Words of politeness around a reply, which change nothing to it ("Oui merci", "non merci", "STOP SMS svp").
FILLER_WORDS = frozenset(
    {"MERCI", "BEAUCOUP", "SVP", "STP", "SIL", "VOUS", "TE", "PLAIT", "BONJOUR", "BONSOIR", "CEST", "BIEN", "TRES",
     "SMS", "MESSAGES", "CODE", "DEMANDE", "REF", "REFERENCE"}
)  # fmt: skip
# Written in two words, read as one ("d accord", "je refuse"); "pas d'accord" is a no.
PHRASES = ((re.compile(r"\bPAS DACCORD\b"), "NON"), (re.compile(r"\bD ACCORD\b"), "DACCORD"),
           (re.compile(r"\bJE REFUSE\b"), "JEREFUSE"), (re.compile(r"\bSTOP SMS\b"), "STOP"),
           (re.compile(r"\bPLUS DE (?:SMS|MESSAGES?)\b"), "STOP"))  # fmt: skip
# A stop word among this many words (polite ones aside) stops: "Merci, stop", "Bonjour STOP", "non merci stop".
STOP_AMONG_WORDS = 4
# A whole reference quoted (E54-7K3Q-9PXD, e54 7k3q 9pxd): its last group is the code.
# Without its prefix, its two groups joined by a dash (XRYZ-36G4): eight letters alone may be a word ("VRAIMENT").
QUOTED_REFERENCE = re.compile(r"\bE(?:\d{2,3}|2[AB])[\s-]*[0-9A-Z]{4}[\s-]*[0-9A-Z]{4}\b|\b[0-9A-Z]{4}-[0-9A-Z]{4}\b")
CODE_LENGTH = 4


@dataclass(frozen=True)
class Reply:
    """What an SMS received says: its kind, and the code of the request it names ("" when none)."""

    kind: InboundKind
    code: str = ""
    # Typed with letters only ("MAIS" is read 'MA1S'): an ordinary word as much as a code, which only the codes the
    # number was sent can tell apart.
    code_may_be_a_word: bool = False


def _plain(body: str) -> str:
    """Upper case without accents nor apostrophes: "Arrêt." → "ARRET.", "d’accord" → "DACCORD"."""
    text = unicodedata.normalize("NFKD", body)
    text = "".join(character for character in text if not unicodedata.combining(character))
    return re.sub(r"['’‘`]", "", text.upper())


def _code(word: str) -> str:
    """The word as a request's code, or "": four characters of the references' alphabet, O, I and L read as the
    digits they are taken for."""
    code = word.translate(LOOKALIKE_DIGITS)
    return code if len(code) == CODE_LENGTH and all(character in CROCKFORD_ALPHABET for character in code) else ""


def read(body: str) -> Reply:
    """What an SMS says, whoever sent it. A yes or a no may carry one code and polite words; anything more is left
    to an agent (OTHER): better a person reads "oui mais pas avant jeudi" than the portal act on half of it."""
    text = _plain(body)
    codes = []

    def quoted(match: re.Match) -> str:
        codes.append(normalise_reference(match[0]).rsplit("-", 1)[-1])
        return " "

    text = QUOTED_REFERENCE.sub(quoted, text)
    text = re.sub(r"[^A-Z0-9]+", " ", text)
    for phrase, word in PHRASES:
        text = phrase.sub(word, text)
    words = text.split()
    if words and words[0] in STOP_WORDS:  # "STOP", whatever follows it: stopping must never need the right words
        return Reply(InboundKind.STOP)
    words = [word for word in words if word not in FILLER_WORDS]
    if len(words) <= STOP_AMONG_WORDS and STOP_WORDS.intersection(words):
        return Reply(InboundKind.STOP)
    if not words:
        return Reply(InboundKind.OTHER)
    first, rest = words[0], words[1:]
    if first in START_WORDS and not rest and not codes:
        return Reply(InboundKind.START)
    if first in HELP_WORDS and not rest and not codes:
        return Reply(InboundKind.HELP)
    kind = ANSWER_WORDS.get(first)
    if kind is None:
        return Reply(InboundKind.OTHER)
    lettered = False
    for word in rest:
        if ANSWER_WORDS.get(word) == kind:  # "oui oui", "ok oui"
            continue
        if word in KEYWORDS or not _code(word):  # STOP, AIDE, OKAY are spelled as codes can be
            return Reply(InboundKind.OTHER)
        codes.append(_code(word))
        lettered = lettered or word.isalpha()
    if len(set(codes)) > 1:
        return Reply(InboundKind.OTHER)
    return Reply(kind, codes[0] if codes else "", code_may_be_a_word=lettered)


# --- Acting -------------------------------------------------------------------------------------------------------

logger = logging.getLogger(__name__)
YES = frozenset({InboundKind.ACCEPT, InboundKind.ARRIVED})
CODES_LISTED = 3  # in the SMS asking which request an answer is about: more would not fit, and is unlikely


@dataclass(frozen=True)
class Question:
    """Something the number was asked and may be answering: a proposal made to a volunteer with this number, or
    "L'aide est-elle bien arrivée ?" asked about a request."""

    help_request: HelpRequest
    proposal: Proposal | None = None

    @property
    def code(self) -> str:
        return self.help_request.reply_code

    def asks_for(self, kind: InboundKind) -> bool:
        """Whether it is the question this reply's words answer: OUI/NON a proposal, 1/2 the arrival of help."""
        proposal_words = kind in (InboundKind.ACCEPT, InboundKind.DECLINE)
        return proposal_words == (self.proposal is not None)


def act(inbound: InboundSms) -> None:
    """Reads an SMS received, does what it asks, answers it, and records all of it on the message. A message stored
    waits for staff until this has run to the end (notifications.inbound): should acting on it fail, it goes to
    them with its acknowledgement and their alert, what it acted on rolled back."""
    try:
        with transaction.atomic():
            _act(inbound)
    except Exception:
        logger.exception("SMS received %s could not be acted on: to the staff inbox", inbound.pk)
        inbound.kind, inbound.help_request, inbound.proposal = InboundKind.OTHER, None, None
        _to_staff(inbound, _("Le portail n'a pas pu traiter ce message : à lire par un agent"))
    inbound.save(update_fields=["kind", "code", "help_request", "proposal", "outcome", "needs_staff"])


def _act(inbound: InboundSms) -> None:
    reply = read(inbound.body)
    inbound.kind, inbound.code, inbound.needs_staff, inbound.outcome = reply.kind, reply.code, False, ""
    if reply.kind == InboundKind.STOP:
        _stop(inbound)
    elif reply.kind == InboundKind.START:
        _start(inbound)
    elif reply.kind == InboundKind.HELP:
        inbound.outcome = _("Numéro et horaires de l'accueil téléphonique envoyés")
        _answer(inbound, "help")
    elif reply.kind == InboundKind.OTHER:
        _to_staff(inbound)
    else:
        _answer_a_question(inbound, reply)


def _answer(inbound: InboundSms, answer: str, **context) -> None:
    """One of the automatic answers of templates/notifications/sms_answer/sms.txt, to the number that wrote."""
    context = {"answer": answer, "hotline": hotline.number(), "hours": hotline.opening_hours(), **context}
    context = sms_context_fitting(Event.SMS_ANSWER, context, "hours")  # the hotline's hours when there is room
    sms_add(
        Event.SMS_ANSWER, to=inbound.sender, context=context, help_request=inbound.help_request, in_reply_to=inbound
    )


def _stop(inbound: InboundSms) -> None:
    _optout, created = SmsOptOut.objects.get_or_create(number=inbound.sender, defaults={"inbound": inbound})
    if created:
        inbound.outcome = _("STOP : ce numéro ne recevra plus de SMS du portail, sauf les réponses à ses messages")
    else:
        inbound.outcome = _("STOP : ce numéro ne recevait déjà plus de SMS ; réponse renvoyée")
    _answer(inbound, "stop")


def _start(inbound: InboundSms) -> None:
    deleted, _rows = SmsOptOut.objects.filter(number=inbound.sender).delete()
    if deleted:
        inbound.outcome = _("START : ce numéro reçoit de nouveau les SMS du portail")
    else:
        inbound.outcome = _("START : ce numéro recevait déjà les SMS ; confirmation envoyée")
    _answer(inbound, "start")


# --- Yes and no ---------------------------------------------------------------------------------------------------


def _questions(number: str) -> list[Question]:
    """What this number may be answering: the proposals awaiting the answer of a volunteer with this number, and the
    requests whose "did help arrive?" it was asked and has not answered. Two queries."""
    proposals = Proposal.objects.filter(status=ProposalStatus.PROPOSED, volunteer__phone=number).select_related(
        "help_request", "volunteer__user"
    )
    asked = arrival.asked_to(number)
    return [Question(p.help_request, p) for p in proposals.order_by("created_at")] + [
        Question(help_request) for help_request in asked.order_by("arrival_asked_at")
    ]


def _answer_a_question(inbound: InboundSms, reply: Reply) -> None:
    """A yes or a no: acted on when it answers exactly one question (the code chooses; without one, the kind of
    words does: OUI/NON a proposal, 1/2 the arrival of help; else the only question there is). Several, and the
    person is asked which; none, and a volunteer is told so, anyone else's text goes to staff.

    Without a code, a yes or a no answers the last SMS the person read, and acts only when that SMS asked for one
    (a proposal, "did help arrive?", or the portal asking which): an "Ok merci" to a confirmation, or a "Oui" to an
    agent's question, must not accept another proposal nor close a request it was not about. A code made of
    letters only that the number was not sent is an ordinary word ("Oui mais…"): staff read it."""
    questions = _questions(inbound.sender)
    if not reply.code and questions and not _follows_a_question(inbound.sender):
        _to_staff(inbound, _("Oui ou non sans code, qui ne répond pas au dernier SMS envoyé : à lire par un agent"))
        return
    if reply.code_may_be_a_word and not _code_sent_to(inbound.sender, reply.code):
        _to_staff(inbound)
        return
    named = [q for q in questions if q.code == reply.code] if reply.code else questions
    meant = [q for q in named if q.asks_for(reply.kind)] or named
    if len(meant) == 1:
        question = meant[0]
        inbound.help_request, inbound.proposal = question.help_request, question.proposal
        if question.proposal is not None:
            _proposal_answer(inbound, question.proposal, accept=reply.kind in YES)
        else:
            _arrival_answer(inbound, question.help_request, arrived=reply.kind in YES)
    elif meant and reply.code:
        # Two requests with the same four characters, both waiting for this number: nothing the person can add.
        _to_staff(inbound, _("Ambigu : le code %(code)s désigne %(count)s demandes en cours") % {
            "code": reply.code, "count": len(meant)})  # fmt: skip
    elif meant or named != questions:
        _ask_which(inbound, reply, meant or questions)
    elif VolunteerProfile.objects.filter(phone=inbound.sender).exists():
        _nothing_to_answer(inbound, reply)
    else:
        _to_staff(inbound)


# The SMS that ask for a yes or a no; and the answers of the portal to a yes or a no, which may ask which one.
QUESTION_EVENTS = frozenset({Event.PROPOSAL_MADE, Event.HELP_ARRIVED_ASKED})
YES_OR_NO = frozenset({InboundKind.ACCEPT, InboundKind.DECLINE, InboundKind.ARRIVED, InboundKind.NOT_ARRIVED})


def _code_sent_to(number: str, code: str) -> bool:
    """Whether the number was ever sent this code: it has a request, or was proposed one, that carries it."""
    theirs = Q(requester_phone=number) | Q(beneficiary_phone=number) | Q(proposals__volunteer__phone=number)
    return HelpRequest.objects.filter(theirs).with_reply_code(code).exists()


def _follows_a_question(number: str) -> bool:
    """Whether the last SMS the number was sent (and may have read: neither withheld nor failed) asked it for a yes
    or a no."""
    last = (
        Notification.objects.filter(channel=Channel.SMS, recipient=number)
        .exclude(status__in=(DeliveryStatus.WITHHELD, DeliveryStatus.FAILED))
        .select_related("in_reply_to")
        .order_by("-created_at", "-pk")
        .first()
    )
    if last is None:
        return False
    if last.event in QUESTION_EVENTS:
        return True
    return last.event == Event.SMS_ANSWER and last.in_reply_to is not None and last.in_reply_to.kind in YES_OR_NO


def _ask_which(inbound: InboundSms, reply: Reply, questions: list[Question]) -> None:
    codes = [q.code for q in questions]
    proposals = sum(q.proposal is not None for q in questions)
    if reply.code:
        inbound.outcome = _("Code %(code)s inconnu : les codes en cours (%(codes)s) ont été rappelés") % {
            "code": reply.code, "codes": ", ".join(codes)}  # fmt: skip
    elif proposals == len(questions):
        inbound.outcome = ngettext(
            "Ambigu : %(count)s proposition en cours, réponse demandée",
            "Ambigu : %(count)s propositions en cours, réponse demandée",
            len(questions),
        ) % {"count": len(questions)}
    else:
        inbound.outcome = _("Ambigu : %(count)s questions en cours (%(codes)s), réponse demandée") % {
            "count": len(questions), "codes": ", ".join(codes)}  # fmt: skip
    word = {InboundKind.ACCEPT: "OUI", InboundKind.DECLINE: "NON", InboundKind.ARRIVED: "1"}.get(reply.kind, "2")
    _answer(inbound, "which", unknown=reply.code, codes=", ".join(codes[:CODES_LISTED]), example=f"{word} {codes[0]}")


def _nothing_to_answer(inbound: InboundSms, reply: Reply) -> None:
    """A volunteer answers a proposal that no longer waits (answered already, expired, withdrawn), or none."""
    past = (
        Proposal.objects.filter(
            volunteer__phone=inbound.sender, help_request__in=HelpRequest.objects.with_reply_code(reply.code)
        )
        .select_related("help_request")
        .first()
        if reply.code
        else None
    )
    if past is not None:
        inbound.help_request, inbound.proposal = past.help_request, past
        inbound.outcome = _("Proposition qui n'attend plus de réponse (%(status)s) : rien n'a changé") % {
            "status": past.get_status_display().lower()}  # fmt: skip
        _answer(inbound, "refused", code=reply.code, refusal=_("Cette proposition n'attend plus de réponse."))
    else:
        inbound.outcome = _("Aucune proposition en attente de réponse : rien n'a changé")
        _answer(inbound, "nothing")


def _proposal_answer(inbound: InboundSms, proposal: Proposal, *, accept: bool) -> None:
    """The volunteer's OUI or NON, through the services her proposal page calls, with their rules (deadline, row
    locks, a proposal answered once). Their refusal is what she reads back."""
    code = proposal.help_request.reply_code
    inbound.kind = InboundKind.ACCEPT if accept else InboundKind.DECLINE
    try:
        if accept:
            # The proposal's SMS carried the summary of the rules in force: those are what an OUI accepts.
            proposal = proposal_accept(proposal=proposal, health_rules_version=RulesShown.IN_FORCE)
        else:
            proposal_decline_and_offer_next(proposal=proposal, reason=_("Refusée par SMS"))
    except ProposalError as refusal:
        inbound.outcome = _("Réponse sans effet : %(refusal)s") % {"refusal": refusal}
        _answer(inbound, "refused", code=code, refusal=str(refusal))
        return
    if accept:
        inbound.outcome = _("Proposition acceptée")
        _confirm(inbound, proposal)
    else:
        inbound.outcome = _("Proposition déclinée")
        _answer(inbound, "declined", code=code)


def _confirm(inbound: InboundSms, proposal: Proposal) -> None:
    """The assignment is hers: the first name, commune and phone to call, as her proposal page now shows them,
    and, like the page, the view written to the access log. The number is the person's own when there is one, else
    the requester's, who is then the one named, with whom it is for when that fits in the SMS; with no number at all
    (a request answered by email), the SMS sends her to her volunteer space."""
    help_request = proposal.help_request
    context = sms_context_fitting(
        Event.PROPOSAL_CONFIRMED, {"help_request": help_request, **_whom_to_call(help_request)}, "on_behalf_of"
    )
    sms_add(
        Event.PROPOSAL_CONFIRMED, to=inbound.sender, context=context, help_request=help_request, in_reply_to=inbound
    )
    assignment_contact_sent(proposal)


def _whom_to_call(help_request: HelpRequest) -> dict:
    """Who answers the number the volunteer is given, and for whom when it is someone else ("Jeanne (pour
    Raymonde)"): the person helped on their own phone, else the requester, who may be a relative or a neighbour."""
    helped = first_name(help_request.beneficiary_display)
    if help_request.beneficiary_phone or not help_request.requester_phone:
        return {"first_name": helped, "on_behalf_of": "", "phone": readable_phone(help_request.beneficiary_phone)}
    if help_request.requester_relation == RequesterRelation.SELF or not help_request.beneficiary_name:
        return {"first_name": helped, "on_behalf_of": "", "phone": readable_phone(help_request.requester_phone)}
    return {
        "first_name": first_name(help_request.requester_name),
        "on_behalf_of": helped,
        "phone": readable_phone(help_request.requester_phone),
    }


def _arrival_answer(inbound: InboundSms, help_request: HelpRequest, *, arrived: bool) -> None:
    answered = arrival.answer(help_request, arrived=arrived)
    inbound.kind = InboundKind.ARRIVED if arrived else InboundKind.NOT_ARRIVED
    inbound.outcome = answered.outcome
    _answer(inbound, "arrived" if arrived else "not_arrived", code=help_request.reply_code)
    if answered.needs_staff:
        inbound.needs_staff = True
        _inbox_alert(inbound)


# --- For an agent ------------------------------------------------------------------------------------------------


def _to_staff(inbound: InboundSms, outcome: str = "") -> None:
    """To the staff inbox, with the request the number's message most likely belongs to; the person is told an
    agent will answer (once in 24 hours: someone who writes five texts gets one acknowledgement), staff are alerted."""
    inbound.needs_staff = True
    inbound.outcome = outcome or _("Message à lire par un agent")
    if inbound.help_request is None:
        inbound.help_request, inbound.proposal = belongs_to(inbound.sender)
    if not _acknowledged_in_the_last_24_hours(inbound.sender):
        _answer(inbound, "received")
    _inbox_alert(inbound)


def belongs_to(number: str) -> tuple[HelpRequest | None, Proposal | None]:
    """The request a text from this number is most likely about: its open one (as requester, beneficiary, or the
    volunteer a live proposal is made to), the latest of them if several, else its latest request of all."""
    mine = Q(requester_phone=number) | Q(beneficiary_phone=number)
    helping = Q(proposals__volunteer__phone=number, proposals__status__in=(ProposalStatus.PROPOSED,
                                                                              ProposalStatus.ACCEPTED))  # fmt: skip
    requests = list(HelpRequest.objects.filter(mine | helping).distinct().order_by("-created_at", "-pk")[:20])
    still_open = [r for r in requests if r.status not in CLOSED_STATUSES or arrival.awaits_answer(r)]
    help_request = (still_open or requests or [None])[0]
    if help_request is None:
        return None, None
    proposal = help_request.proposals.live().filter(volunteer__phone=number).first()
    return help_request, proposal


def _acknowledged_in_the_last_24_hours(number: str) -> bool:
    return Notification.objects.filter(
        event=Event.SMS_ANSWER,
        recipient=number,
        in_reply_to__needs_staff=True,
        created_at__gte=timezone.now() - timedelta(days=1),
    ).exists()


def inbox_url() -> str:
    """The staff inbox, the admin's list of SMS received (requests_app/admin/inbox.py)."""
    return absolute_url("admin:notifications_inboundsms_changelist")


def _inbox_alert(inbound: InboundSms) -> None:
    """Staff learn that texts wait for them, at most once every SMS_INBOX_ALERT_MINUTES: the email says how many
    and where, never what they say nor who sent them (personal data, read in the inbox)."""
    quiet = timedelta(minutes=settings.SMS_INBOX_ALERT_MINUTES)
    if Notification.objects.filter(event=Event.SMS_RECEIVED, created_at__gt=timezone.now() - quiet).exists():
        return
    waiting = InboundSms.objects.for_staff().exclude(pk=inbound.pk).count() + 1  # this one is not saved yet
    context = {"waiting": waiting, "url": inbox_url()}
    staff_email_add(Event.SMS_RECEIVED, context=context)
