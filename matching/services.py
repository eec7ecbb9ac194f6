"""The proposal lifecycle, in one place: offering a request to a volunteer (by hand or to the best candidate),
the volunteer's answers, expiry, hand-back, completion, the cascade to the next candidate and the escalation to
staff. Nothing else changes a proposal's status (`Proposal.move` checks each change against
`matching.enums.TRANSITIONS`), nor the counters the ranking reads (`_counters_move`).

The request's own status moves through its methods (`mark_proposed`, `mark_assigned`…): this app sits below
requests_app and knows a request only through the instance it is given.
"""

from datetime import datetime, time, timedelta
from enum import Enum
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crisis.models import HealthRules
from matching import notices, signals
from matching.enums import ProposalStatus, asked_before, statuses_leading_to
from matching.models import Proposal, ProposalError
from matching.ranking import ENDED_WITHOUT_HELP, association_suggestions, candidates
from volunteers.models import VolunteerProfile

if TYPE_CHECKING:
    from requests_app.models import HelpRequest

__all__ = [
    "HealthRulesChanged", "ProposalError", "RulesShown", "help_request_triage", "proposal_accept",
    "proposal_complete", "proposal_create",
    "proposal_decline", "proposal_decline_and_offer_next", "proposal_hand_back", "proposal_hand_back_and_offer_next",
    "proposals_close_live", "proposals_expire", "proposals_hand_back", "proposals_hand_back_unvetted", "propose_best",
    "response_deadline",
]  # fmt: skip


class RulesShown(Enum):
    """What a volunteer accepting was shown of the health rules, when no version number says it."""

    IN_FORCE = "in_force"


class HealthRulesChanged(ProposalError):
    """Other health rules came into force between the page the volunteer read and her "j'accepte"."""


# Nobody should have to answer a proposal in the night: outside these local hours a non-urgent proposal's clock
# stands still (PROPOSAL_ROUND_THE_CLOCK_URGENCIES: the urgent one keeps its plain hours).
ANSWERING_DAY_STARTS = time(8)
ANSWERING_DAY_ENDS = time(20)


def response_deadline(help_request: "HelpRequest", now: datetime | None = None) -> datetime:
    """When the volunteer must have answered: PROPOSAL_RESPONSE_HOURS by urgency, counted in daytime hours
    (08:00 to 20:00, Europe/Paris) except for an urgent request. 18:49 + 12 h is 18:49 the next day."""
    now = now or timezone.now()
    allowed = timedelta(hours=settings.PROPOSAL_RESPONSE_HOURS[help_request.urgency])
    if help_request.urgency in settings.PROPOSAL_ROUND_THE_CLOCK_URGENCIES:
        return now + allowed
    # The daytime window has no change of clock in it (those happen at night), so wall-clock arithmetic is exact.
    cursor = timezone.localtime(now)
    while True:
        day_starts = cursor.replace(hour=ANSWERING_DAY_STARTS.hour, minute=0, second=0, microsecond=0)
        day_ends = cursor.replace(hour=ANSWERING_DAY_ENDS.hour, minute=0, second=0, microsecond=0)
        if cursor < day_starts:
            cursor = day_starts
        if cursor >= day_ends:
            cursor = timezone.make_aware(datetime.combine(cursor.date() + timedelta(days=1), ANSWERING_DAY_STARTS))
            continue
        if cursor + allowed <= day_ends:
            return cursor + allowed
        allowed -= day_ends - cursor
        cursor = day_ends


def _counters_move(volunteer_ids, *, live: int = 0, completed: int = 0, assigned_at: datetime | None = None) -> None:
    """The one place the counters the ranking reads move (VolunteerProfile.live_count, completed_count,
    last_assigned_at), with the proposals: live_count is the number of the volunteer's live proposals."""
    volunteer_ids = [pk for pk in volunteer_ids if pk is not None]  # a deleted account leaves a NULL volunteer
    updates = {}
    if live:
        updates["live_count"] = F("live_count") + live
    if completed:
        updates["completed_count"] = F("completed_count") + completed
    if assigned_at is not None:
        updates["last_assigned_at"] = assigned_at
    if volunteer_ids and updates:
        VolunteerProfile.objects.filter(pk__in=volunteer_ids).update(**updates)


def _locked(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update(of=("self",)).select_related("help_request").get(pk=proposal.pk)


def proposed_note(volunteer_pk: int) -> str:
    """The request's history line for a proposal. It names the volunteer by number only: it outlives her account."""
    return _("Proposée au bénévole n° %(pk)s") % {"pk": volunteer_pk}


@transaction.atomic
def proposal_create(
    *, help_request: "HelpRequest", volunteer: VolunteerProfile, by=None, score: int = 0, explanation: str = ""
) -> Proposal:
    """Offers the request to one volunteer. Both rows are locked, the volunteer's first then the request's by its
    transition (the order the answering services take too): no second live proposal for the request, and no
    proposal beyond the volunteer's capacity, even when staff and the matching act at once."""
    volunteer = (
        VolunteerProfile.objects.ready()
        .select_for_update(of=("self",))
        .select_related("user")  # for the email sent on commit
        .filter(pk=volunteer.pk)
        .first()
    )
    if volunteer is None:
        raise ProposalError(_("Ce bénévole n'est pas disponible (profil incomplet, en pause ou suspendu)."))
    if help_request.awaits_carer_confirmation:
        raise ProposalError(
            _("Garde d'enfants : confirmez d'abord la qualité du demandeur (soignant ou structure de protection).")
        )
    # Vetting, minimum age and the protective rule hold for staff picking by hand as for the matching.
    if refusals := volunteer.safeguard_refusals(help_request.help_type):
        raise ProposalError(_("Ce bénévole ne peut pas recevoir cette demande. %(why)s") % {"why": " ".join(refusals)})
    # The services move live_count with the proposals, under this same row lock: it is the count of live ones.
    if volunteer.live_count >= volunteer.capacity:
        raise ProposalError(_("Ce bénévole suit déjà autant de demandes que sa capacité le permet."))
    earlier = help_request.proposals.filter(
        volunteer=volunteer, status__in=asked_before(recurring=help_request.is_recurring)
    )
    if earlier.exists():
        raise ProposalError(_("Cette demande a déjà été proposée à ce bénévole."))
    help_request.mark_proposed(by=by, note=proposed_note(volunteer.pk))
    try:
        proposal = Proposal.objects.create(
            help_request=help_request,
            volunteer=volunteer,
            proposed_by=by,
            score=score,
            explanation=explanation,
            respond_by=response_deadline(help_request),
        )
    except IntegrityError:
        # No savepoint needed: the error leaves this atomic block at once, which rolls the whole offer back.
        raise ProposalError(_("Cette demande est déjà proposée à un autre bénévole.")) from None
    _counters_move([volunteer.pk], live=1)
    notices.proposal_made(proposal)
    return proposal


@transaction.atomic
def proposal_accept(
    *, proposal: Proposal, health_rules_version: "int | None | RulesShown" = RulesShown.IN_FORCE
) -> Proposal:
    """The volunteer takes the request, and with it the health rules she was shown, whose version is recorded.
    `health_rules_version` is the version her proposal page showed (None: it showed none, there were none): if
    another is in force now, HealthRulesChanged and nothing is accepted, so that she reads the new ones first.
    RulesShown.IN_FORCE where the channel shows no particular version (an SMS OUI, which carried the summary of
    the rules in force): those in force are recorded."""
    proposal = _locked(proposal)
    if not proposal.can_move_to(ProposalStatus.ACCEPTED):
        raise ProposalError(_("Cette proposition n'attend plus de réponse."))
    if proposal.respond_by < timezone.now():
        raise ProposalError(_("Le délai de réponse est passé : la demande a été proposée à quelqu'un d'autre."))
    # Checked again: a document may have expired or been taken back by staff since the proposal left.
    if refusals := proposal.volunteer.safeguard_refusals(proposal.help_request.help_type):
        raise ProposalError(_("Vous ne pouvez plus accepter cette demande. %(why)s") % {"why": " ".join(refusals)})
    in_force = HealthRules.objects.current_version()
    if health_rules_version is not RulesShown.IN_FORCE and health_rules_version != in_force:
        raise HealthRulesChanged(
            _("Les consignes sanitaires ont changé depuis que vous avez ouvert cette page. Lisez les nouvelles "
              "consignes ci-dessous, puis confirmez si vous acceptez d'aider.")
        )  # fmt: skip
    proposal.move(ProposalStatus.ACCEPTED, responded_at=timezone.now(), health_rules_version=in_force)
    _counters_move([proposal.volunteer_id], assigned_at=proposal.responded_at)
    proposal.help_request.mark_assigned(by=proposal.volunteer.user)
    signals.proposal_accepted.send(sender=Proposal, proposal=proposal)
    return proposal


@transaction.atomic
def proposal_decline(*, proposal: Proposal, reason: str = "") -> Proposal:
    proposal = _locked(proposal)
    proposal.move(
        ProposalStatus.DECLINED,
        refusal=_("Cette proposition n'attend plus de réponse."),
        responded_at=timezone.now(),
        decline_reason=reason,
    )
    _counters_move([proposal.volunteer_id], live=-1)
    proposal.help_request.triage(by=proposal.volunteer.user, note=_("Déclinée par le bénévole. %(r)s") % {"r": reason})
    return proposal


def proposal_decline_and_offer_next(*, proposal: Proposal, reason: str = "") -> Proposal:
    """The volunteer says no: the request goes straight to the next best candidate, or to staff."""
    proposal = proposal_decline(proposal=proposal, reason=reason)
    propose_best(proposal.help_request)
    return proposal


@transaction.atomic
def proposal_complete(*, proposal: Proposal, report: str, concern: bool) -> Proposal:
    proposal = _locked(proposal)
    proposal.move(
        ProposalStatus.DONE,
        refusal=_("Seule une demande que vous suivez peut être terminée."),
        completed_at=timezone.now(),
        report=report,
        concern=concern,
    )
    _counters_move([proposal.volunteer_id], live=-1, completed=1)
    help_request, author = proposal.help_request, proposal.volunteer.user
    # A concern keeps the request open, in staff's hands, until someone has checked on the person.
    if concern:
        help_request.mark_needs_staff(by=author, note=report)
        help_request.notes.create(
            author=author, text=_("INQUIÉTUDE signalée par le bénévole : %(report)s") % {"report": report}
        )
        notices.concern_reported(proposal)
    else:
        help_request.mark_done(by=author, note=report)
    signals.proposal_completed.send(sender=Proposal, proposal=proposal)
    return proposal


@transaction.atomic
def proposal_hand_back(*, proposal: Proposal, note: str = "", by=None) -> Proposal:
    """The volunteer can no longer help, or the account goes: the request returns to staff's queue."""
    proposal = _locked(proposal)
    proposal.move(ProposalStatus.CANCELLED, refusal=_("Cette demande ne vous est plus confiée."))
    _counters_move([proposal.volunteer_id], live=-1)
    proposal.help_request.triage(by=by, note=_("Rendue par le bénévole. %(note)s") % {"note": note})
    return proposal


def proposal_hand_back_and_offer_next(*, proposal: Proposal, note: str = "", by=None) -> Proposal:
    """The volunteer gives the request back: it goes straight to the next best candidate, or to staff."""
    proposal = proposal_hand_back(proposal=proposal, note=note, by=by)
    propose_best(proposal.help_request)
    return proposal


@transaction.atomic
def proposals_hand_back(*, volunteer: VolunteerProfile, note: str) -> None:
    """A volunteer who stops helping (suspended, or deleting the account) keeps no one's contact details: every
    live proposal goes back to staff at once."""
    for proposal in volunteer.proposals.live():
        proposal_hand_back(proposal=proposal, note=note)


def proposals_hand_back_unvetted(*, volunteer: VolunteerProfile) -> None:
    """Her checks no longer cover some of what she holds (an approval taken back, an extract expired): each live
    proposal of a help type she may no longer take goes back to staff at once, with the reason, children first of
    all: nobody keeps a family's address on a check that no longer holds."""
    for proposal in volunteer.proposals.live().select_related("help_request__help_type"):
        if refusals := volunteer.safeguard_refusals(proposal.help_request.help_type):
            proposal_hand_back(
                proposal=proposal,
                note=_("Vérification du bénévole plus valable : %(why)s") % {"why": " ".join(refusals)},
            )


def proposals_close_live(*, help_request: "HelpRequest") -> None:
    """The request left the volunteer's hands (cancelled, routed, back to triage by staff…): its live proposal ends
    at once, so the volunteer no longer sees the person's details and the place counts again in their capacity.
    Called by the request's own transition, inside its transaction."""
    live = help_request.proposals.select_for_update(of=("self",)).filter(
        status__in=statuses_leading_to(ProposalStatus.CANCELLED)
    )
    volunteer_ids = list(live.values_list("volunteer_id", flat=True))
    live.update(status=ProposalStatus.CANCELLED)
    _counters_move(volunteer_ids, live=-1)


def propose_best(help_request: "HelpRequest", *, by=None) -> Proposal | None:
    """Offers the request to the best candidate; after MATCHING_MAX_ATTEMPTS declines or expiries, or when
    nobody fits, hands it to staff. Candidates taken by a concurrent proposal are skipped."""
    # The status as it is now (the caller's copy may be older) and the attempts so far, in one query.
    help_request.status, attempts = (
        type(help_request)
        .objects.filter(pk=help_request.pk)
        .annotate(attempts=Count("proposals", filter=Q(proposals__status__in=ENDED_WITHOUT_HELP)))
        .values_list("status", "attempts")
        .get()
    )
    if not help_request.can_be_proposed:
        return None
    if help_request.awaits_carer_confirmation:
        return None  # no volunteer before staff confirm who asks: it waits in the queue, marked (requests_app)
    if attempts < settings.MATCHING_MAX_ATTEMPTS:
        for candidate in candidates(help_request, limit=5):
            try:
                return proposal_create(
                    help_request=help_request,
                    volunteer=candidate.volunteer,
                    by=by,
                    score=candidate.score,
                    explanation=candidate.explanation,
                )
            except (ProposalError, help_request.TransitionNotAllowed):
                continue
    if not help_request.awaits_staff:
        help_request.mark_needs_staff(note=_("Aucun bénévole disponible ne correspond : à traiter par un agent."))
        notices.needs_staff(help_request, association_suggestions(help_request))
    return None


@transaction.atomic
def help_request_triage(help_request: "HelpRequest", *, by=None, note: str = "") -> Proposal | None:
    help_request.triage(by=by, note=note)
    if settings.MATCHING_ON_TRIAGE:
        return propose_best(help_request, by=by)
    return None


def proposals_expire(now: datetime | None = None) -> int:
    """Ends proposals past their deadline and offers each request to the next candidate. Rows another
    worker is handling are skipped, so two beat runs never expire the same proposal twice."""
    now = now or timezone.now()
    expired = 0
    while True:
        with transaction.atomic():
            proposal = (
                Proposal.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(status__in=statuses_leading_to(ProposalStatus.EXPIRED), respond_by__lt=now)
                .select_related("help_request")
                .first()
            )
            if proposal is None:
                return expired
            proposal.move(ProposalStatus.EXPIRED)
            _counters_move([proposal.volunteer_id], live=-1)
            help_request = proposal.help_request
            expired += 1
            try:
                help_request.triage(note=_("Proposition expirée sans réponse."))
            except help_request.TransitionNotAllowed:
                continue  # staff moved the request meanwhile: the proposal is over, nothing more to offer
            propose_best(help_request)
