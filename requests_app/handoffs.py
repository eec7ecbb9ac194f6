"""Hand-offs to responders outside the portal: staff give a request to a service that has no account on the portal
(a CCAS's shared mailbox, a food bank's mobile), which answers through single-use links on /relais/<token>/.

What "single use" means, with three buttons:

- The first link, sent by email (and by SMS to a mobile number), serves one answer: "Je prends en charge" or
  "Impossible pour nous". Before that answer its page shows what a responder needs to decide, never who the person is.
- Taking the request uses that link and issues a second one, which the page moves to at once and which is sent by the
  same channels, to come back to later: it shows the person's contact details (each showing in the access log) and
  serves one answer, "C'est fait", or "Impossible pour nous" after all.
- A final answer ends the hand-off. A link also dies HANDOFF_LINK_VALID_HOURS after it was sent, when staff send a
  fresh one (the older is replaced), and when the request leaves the responder (an agent takes it back, it is
  cancelled: `hand_offs_end`). A dead link's page says why and whom to call, never anything of the request.
- Looking at a page (GET) never uses a link: mail scanners open links before people do.

The request's statuses: handed off, it is `routed`, with no organisation (`routed_to` empty), as a request an
organisation of the portal holds; taken, it stays so (a history line says who took it); done, it is done as an
organisation's is (`routing.routed_request_complete`: the requester told, "did help arrive?" asked); impossible, it
goes back to staff, `routed` → `triaged` (as an organisation hands a request back) → `needs_staff`, two lines of
history, because the one table of moves keeps `routed` → `needs_staff` closed: a request an organisation holds stays
with it when a callback fails (requests_app/callbacks.py). Staff are alerted by email when a responder says it is
impossible, and when one has not answered HANDOFF_ANSWER_HOURS after the hand-off (once).
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.db.models import DateTimeField, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from phonenumber_field.phonenumber import PhoneNumber

from core.phones import mobile_number
from core.sms import links_allowed
from requests_app import notices
from requests_app.enums import HANDOFF_ANSWERS, HandOffAnswer, HandOffStage, HandOffState, Status
from requests_app.models import HandOff, HandOffLink, HelpRequest, StatusChange
from requests_app.routing import routed_request_complete

# 144 random bits in 24 characters: nobody guesses one (the page is rate limited too), and a link with the portal's
# address still fits in one SMS beside a few words.
LINK_TOKEN_BYTES = 18


class HandOffRefused(Exception):
    """The hand-off cannot be made or changed as asked; the message says why, in French."""


class LinkDead(StrEnum):
    """Why a link no longer serves, each told in its own words on the page (requests_app/handoff/closed.html)."""

    USED = "used"
    REPLACED = "replaced"
    ENDED = "ended"
    EXPIRED = "expired"


class LinkUnusable(Exception):
    def __init__(self, why: LinkDead):
        super().__init__(why)
        self.why = why


def token_digest(token: str) -> str:
    """What is stored of a link's token: its SHA-256. A copy of the database opens no link."""
    return hashlib.sha256(token.encode()).hexdigest()


def link_find(token: str) -> HandOffLink | None:
    """The link of this token with its hand-off and request, or None: one query."""
    return (
        HandOffLink.objects.select_related("hand_off__help_request__help_type", "hand_off__help_request__commune")
        .filter(token_hash=token_digest(token))
        .first()
    )


def link_dead(link: HandOffLink, now: datetime | None = None) -> LinkDead | None:
    """Why the link no longer serves, or None while it does. A hand-off over says so first: to the responder who
    answered "c'est fait" as to one whose request was taken back. A link used while the hand-off goes on is the first
    one of a responder who took the request: its page points to the second."""
    if not link.hand_off.is_open:
        return LinkDead.ENDED
    if link.used_at is not None:
        return LinkDead.USED
    if link.revoked_at is not None:
        return LinkDead.REPLACED
    if link.expires_at <= (now or timezone.now()):
        return LinkDead.EXPIRED
    return None


def message_check(*, email: str, phone: PhoneNumber | str | None) -> None:
    """Raises HandOffRefused unless the link can reach the responder: an email address, or a mobile number while the
    SMS provider carries links (OVHcloud's short number does not: core.sms.links_allowed)."""
    if email:
        return
    if not phone:
        raise HandOffRefused(
            _("Donnez un courriel ou un numéro de portable : c'est par là que le relais reçoit son lien.")
        )
    if mobile_number(phone) is None:
        raise HandOffRefused(
            _("Un numéro fixe ne reçoit pas de SMS : donnez un numéro de portable ou une adresse électronique.")
        )
    if not links_allowed():
        raise HandOffRefused(
            _(
                "Les SMS du portail ne peuvent pas porter de lien avec le fournisseur de SMS actuel : donnez une "
                "adresse électronique."
            )
        )


def _link_send(hand_off: HandOff, stage: HandOffStage, now: datetime) -> str:
    """A fresh link for `stage`, sent to the responder; its older links that were never used are replaced. Returns
    the token: it is in the message and in the address the page moves to, nowhere else."""
    hand_off.links.filter(used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(LINK_TOKEN_BYTES)
    link = HandOffLink.objects.create(
        hand_off=hand_off,
        stage=stage,
        token_hash=token_digest(token),
        created_at=now,
        expires_at=now + timedelta(hours=settings.HANDOFF_LINK_VALID_HOURS),
    )
    notices.hand_off_link(hand_off, link=link, token=token)
    return token


@transaction.atomic
def help_request_hand_off(
    *,
    help_request: HelpRequest,
    responder_label: str,
    responder_email: str = "",
    responder_phone: PhoneNumber | str | None = None,
    note: str = "",
    by,
    now: datetime | None = None,
) -> tuple[HandOff, str]:
    """Staff give the request to a responder outside the portal, who receives its first link. Raises
    HandOffRefused (no way to send the link) or TransitionNotAllowed (the request cannot be routed now: already
    routed or handed off, closed). Returns the hand-off and its first link's token."""
    now = now or timezone.now()
    message_check(email=responder_email, phone=responder_phone)
    hand_off = HandOff(
        help_request=help_request,
        responder_label=responder_label,
        responder_email=responder_email,
        responder_phone=responder_phone or "",
        note=note,
        created_by=by,
        created_at=now,
    )
    hand_off.full_clean(validate_constraints=False)  # the one open hand-off per request: the transition decides
    # No organisation holds it: one that held it before and whose request was triaged again must not see it.
    help_request.routed_to = None
    help_request.transition(
        Status.ROUTED,
        by=by,
        note=_("Confiée hors portail à %(who)s (%(contact)s).")
        % {"who": responder_label, "contact": hand_off.contact_display},
        extra_fields=("routed_to",),
    )
    hand_off.save()
    return hand_off, _link_send(hand_off, HandOffStage.ANSWER, now)


@transaction.atomic
def hand_off_link_resend(*, hand_off: HandOff, now: datetime | None = None) -> str:
    """Staff send the responder a fresh link for the answer it owes (the first one, or "c'est fait" once taken): the
    message went astray, or the link expired. The older link dies."""
    now = now or timezone.now()
    hand_off = HandOff.objects.select_for_update(of=("self",)).select_related("help_request").get(pk=hand_off.pk)
    if not hand_off.is_open:
        raise HandOffRefused(_("Ce relais est terminé : il n'y a plus de lien à envoyer."))
    message_check(email=hand_off.responder_email, phone=hand_off.responder_phone)
    stage = HandOffStage.ANSWER if hand_off.state == HandOffState.SENT else HandOffStage.FINAL
    return _link_send(hand_off, stage, now)


@transaction.atomic
def hand_off_withdraw(*, hand_off: HandOff, by, note: str = "") -> None:
    """Staff take the request back from the responder: it goes back to triage, and the responder is told it is no
    longer theirs (hand_offs_end, run by the move of status)."""
    text = _("Reprise au relais hors portail %(who)s par un agent.") % {"who": hand_off.responder_label}
    hand_off.help_request.transition(Status.TRIAGED, by=by, note=f"{text} {note}".strip())


@dataclass(frozen=True)
class Answered:
    """What the responder's answer did; `next_token` is the second link's, once the request is taken."""

    answer: HandOffAnswer
    next_token: str = ""


@transaction.atomic
def hand_off_answer(
    *, link: HandOffLink, answer: HandOffAnswer, reason: str = "", now: datetime | None = None
) -> Answered:
    """The responder's answer through `link`, which it uses. Raises LinkUnusable when the link died meanwhile (a
    second click, a colleague's answer, an agent taking the request back).

    Rows are locked in the order every path takes (the request, its hand-off, the link), so that an answer and an
    agent's move of the same request wait for each other rather than deadlock."""
    now = now or timezone.now()
    help_request = (
        HelpRequest.objects.select_for_update(of=("self",))
        .select_related("help_type", "commune")
        .get(pk=link.hand_off.help_request_id)
    )
    hand_off = HandOff.objects.select_for_update(of=("self",)).get(pk=link.hand_off_id)
    link = HandOffLink.objects.select_for_update(of=("self",)).get(pk=link.pk)
    hand_off.help_request, link.hand_off = help_request, hand_off
    if why := link_dead(link, now):
        raise LinkUnusable(why)
    if answer not in HANDOFF_ANSWERS[link.stage]:
        raise HandOffRefused(_("Cette réponse ne se donne pas avec ce lien."))
    link.used_at = now
    link.save(update_fields=["used_at"])
    who = {"who": hand_off.responder_label, "reason": reason}
    if answer == HandOffAnswer.TAKE:
        hand_off.state, hand_off.taken_at = HandOffState.TAKEN, now
        hand_off.save(update_fields=["state", "taken_at"])
        StatusChange.objects.create(
            help_request=help_request,
            from_status=Status.ROUTED,
            to_status=Status.ROUTED,
            changed_at=now,
            note=_("Prise en charge par %(who)s (relais hors portail).") % who,
        )
        notices.request_taken_by_responder(help_request, responder=hand_off.responder_label)
        return Answered(answer, next_token=_link_send(hand_off, HandOffStage.FINAL, now))
    # A final answer: the hand-off ends before the request moves, so that hand_offs_end finds nothing left to end.
    if answer == HandOffAnswer.DONE:
        hand_off.state, hand_off.done_at = HandOffState.DONE, now
        hand_off.save(update_fields=["state", "done_at"])
        routed_request_complete(
            help_request=help_request, by=None, note=_("Faite par %(who)s (relais hors portail).") % who
        )
    else:
        hand_off.state, hand_off.declined_at, hand_off.decline_reason = HandOffState.DECLINED, now, reason
        hand_off.save(update_fields=["state", "declined_at", "decline_reason"])
        help_request.transition(
            Status.TRIAGED, note=_("Impossible pour %(who)s (relais hors portail) : %(reason)s") % who
        )
        help_request.mark_needs_staff(note=_("À confier ailleurs : le relais hors portail ne peut pas s'en occuper."))
        notices.hand_off_declined(hand_off)
    hand_off.links.filter(used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    return Answered(answer)


def hand_offs_end(help_request: HelpRequest, *, now: datetime | None = None) -> int:
    """The request left the responder without its answer (an agent took it back or triaged it again, it was
    cancelled or merged): its open hand-off ends, its links die, and the responder is told there is nothing left to
    do. Run inside the move of status (requests_app/receivers.py), which holds the request's row."""
    now = now or timezone.now()
    ended = list(HandOff.objects.select_for_update(of=("self",)).open().filter(help_request=help_request))
    for hand_off in ended:
        hand_off.help_request = help_request
        hand_off.state, hand_off.ended_at = HandOffState.ENDED, now
        hand_off.save(update_fields=["state", "ended_at"])
        hand_off.links.filter(used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
        notices.hand_off_ended(hand_off)
    return len(ended)


def hand_offs_unanswered_alert(now: datetime | None = None) -> int:
    """Hand-offs with no answer HANDOFF_ANSWER_HOURS after they were sent are signalled to staff, once each; the
    queue flags them too (`unanswered_hand_off`). A hand-off being answered at that moment is locked: skipped, and
    answered."""
    now = now or timezone.now()
    with transaction.atomic():
        late = list(
            HandOff.objects.unanswered(now)
            .select_related("help_request__help_type", "help_request__commune")
            .select_for_update(of=("self",), skip_locked=True)
            .order_by("created_at")
        )
        for hand_off in late:
            notices.hand_off_unanswered(hand_off)
        HandOff.objects.filter(pk__in=[hand_off.pk for hand_off in late]).update(alerted_at=now)
    return len(late)


# --- For the triage queue ----------------------------------------------------------------------------------------


def unanswered_hand_off(now: datetime | None = None) -> Q:
    """Requests whose responder outside the portal has not answered HANDOFF_ANSWER_HOURS after the hand-off."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.HANDOFF_ANSWER_HOURS)
    late = HandOff.objects.filter(help_request=OuterRef("pk"), state=HandOffState.SENT, created_at__lte=cutoff)
    return Q(Exists(late))


def with_open_hand_off(queryset: QuerySet) -> QuerySet:
    """Each request annotated with its open hand-off, if any: its number (`hand_off_pk`), the responder
    (`hand_off_label`), its state (`hand_off_state`) and since when (`hand_off_since`: sent, or taken). Subqueries:
    no query more per row."""
    open_hand_off = HandOff.objects.open().filter(help_request=OuterRef("pk"))
    return queryset.annotate(
        hand_off_pk=Subquery(open_hand_off.values("pk")[:1]),
        hand_off_label=Subquery(open_hand_off.values("responder_label")[:1]),
        hand_off_state=Subquery(open_hand_off.values("state")[:1]),
        hand_off_since=Subquery(
            open_hand_off.annotate(since=Coalesce("taken_at", "created_at", output_field=DateTimeField())).values(
                "since"
            )[:1]
        ),
    )
