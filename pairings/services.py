"""The pairing lifecycle, in one place: a request turned into a regular help, the volunteer found (or replaced) by the
matching, the visits generated ahead and recorded, the missed ones reminded, the streaks that alert staff, pauses and
ends. Nothing else changes a pairing's status or its visits' outcomes.

A pairing lives on its volunteer's accepted proposal (her assignment): the matching's services offer it, and its
signals say when she accepted or finished (pairings/receivers.py). This app sits below requests_app and knows a
request only through the instance it is given, as the matching does.
"""

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.enums import ProposalStatus
from matching.models import Proposal
from matching.services import proposal_complete, proposal_hand_back, propose_best
from pairings import notices
from pairings.enums import ALERTING_STREAKS, RECORDED_OUTCOMES, PairingAction, PairingStatus, Side, VisitOutcome
from pairings.models import Pairing, PairingError, Visit

if TYPE_CHECKING:
    from requests_app.models import HelpRequest

__all__ = [
    "PairingError", "pairing_end", "pairing_pause", "pairing_request", "pairing_resume", "pairing_start",
    "pairings_release", "visit_record", "visits_generate", "visits_sweep",
]  # fmt: skip


def _locked(pairing: Pairing) -> Pairing:
    return (
        Pairing.objects.select_for_update(of=("self",))
        .select_related("help_request__commune", "help_request__help_type", "volunteer__user", "proposal")
        .get(pk=pairing.pk)
    )


def _today() -> date:
    return timezone.localdate()


# --- Starting: staff's request, the volunteer's acceptance -----------------------------------------------------------


@transaction.atomic
def pairing_request(*, help_request: "HelpRequest", weekday: int, period: int, by=None) -> Pairing:
    """Staff turn a request into a regular help (a completed one, typically: "can she come every week?"). The pairing
    waits for a volunteer, and the matching offers it at once, first to whoever already helped the person."""
    if help_request.pairings.open().exists():
        raise PairingError(_("Cette demande a déjà un accompagnement régulier."))
    if help_request.proposals.live().exists():
        raise PairingError(_("Un bénévole a cette demande en cours : attendez qu'elle soit terminée ou rendue."))
    help_request.recurring_day, help_request.recurring_period = weekday, period
    help_request.save(update_fields=["recurring_day", "recurring_period"])
    if not help_request.can_be_proposed:
        try:
            help_request.mark_needs_staff(
                by=by, note=_("À suivre chaque semaine (%(slot)s).") % {"slot": help_request.recurring_display}
            )
        except help_request.TransitionNotAllowed:
            raise PairingError(_("Une demande annulée ne peut pas devenir un accompagnement régulier.")) from None
    pairing = Pairing.objects.create(help_request=help_request, weekday=weekday, period=period)
    propose_best(help_request, by=by)
    return pairing


def pairing_start(*, proposal: Proposal) -> Pairing | None:
    """A volunteer accepted a regular request (inside proposal_accept's transaction): the pairing is hers, new or
    handed over from a volunteer replaced, its history kept; its first visits are generated."""
    help_request = proposal.help_request
    if not help_request.is_recurring:
        return None
    pairing = help_request.pairings.open().select_for_update(of=("self",)).first()
    if pairing is None:
        pairing = Pairing.objects.create(
            help_request=help_request, weekday=help_request.recurring_day, period=help_request.recurring_period
        )
    carried_before = pairing.changes.filter(action=PairingAction.STARTED).exists()
    pairing.volunteer, pairing.proposal = proposal.volunteer, proposal
    if pairing.status == PairingStatus.SEEKING:
        pairing.status = PairingStatus.ACTIVE
    pairing.save(update_fields=["volunteer", "proposal", "status"])
    pairing.record(
        PairingAction.REPLACED if carried_before else PairingAction.STARTED,
        by=proposal.volunteer.user,
        note=_("Bénévole n° %(pk)s") % {"pk": proposal.volunteer_id},
    )
    _generate([pairing], _today())
    return pairing


# --- Visits ahead, recorded, missed ------------------------------------------------------------------------------


def _generate(pairings, today: date) -> int:
    """The visits of the next PAIRING_WEEKS_AHEAD weeks from tomorrow (today's is generated days before, or the
    pairing began today and its first week is the next). A week that has its visit is left as it is: one visit per
    pairing and date, by a database constraint, so running twice creates nothing."""
    last = today + timedelta(weeks=settings.PAIRING_WEEKS_AHEAD)
    visits = [
        Visit(pairing=pairing, date=day, volunteer_id=pairing.volunteer_id)
        for pairing in pairings
        for day in pairing.dates_between(today + timedelta(days=1), last)
    ]
    before = Visit.objects.filter(pairing__in=[pairing.pk for pairing in pairings]).count()
    Visit.objects.bulk_create(visits, ignore_conflicts=True)
    return Visit.objects.filter(pairing__in=[pairing.pk for pairing in pairings]).count() - before


def visits_generate(today: date | None = None) -> int:
    """Run by beat every night: pauses over resume, and every carried pairing gets its visits ahead. Returns how
    many visits were created."""
    today = today or _today()
    for pairing in Pairing.objects.filter(status=PairingStatus.PAUSED, paused_until__lt=today):
        pairing_resume(pairing=pairing)
    return _generate(list(Pairing.objects.carried()), today)


@transaction.atomic
def visit_record(*, visit: Visit, outcome: str, note: str = "", by=None) -> Visit:
    """The volunteer says how the week's visit went (a missed one too, late). A concern alerts staff at once; a
    second "injoignable" in a row alerts them and offers the pairing to another volunteer."""
    visit = Visit.objects.select_for_update(of=("self",)).select_related("pairing").get(pk=visit.pk)
    if outcome not in RECORDED_OUTCOMES:
        raise PairingError(_("Choisissez ce qui s'est passé."))
    if visit.date > _today():
        raise PairingError(_("Cette visite n'a pas encore eu lieu."))
    if visit.outcome in RECORDED_OUTCOMES:
        raise PairingError(_("Cette visite est déjà notée."))
    visit.outcome, visit.note, visit.recorded_at = outcome, note, timezone.now()
    visit.save(update_fields=["outcome", "note", "recorded_at"])
    pairing = _locked(visit.pairing)
    if outcome == VisitOutcome.CONCERN:
        pairing.help_request.notes.create(
            author=by,
            text=_("INQUIÉTUDE signalée lors de l'accompagnement régulier, visite du %(date)s : %(note)s")
            % {"date": visit.date.strftime("%d/%m/%Y"), "note": note or "—"},
        )
        pairing.record(PairingAction.ALERT, by=by, side=Side.VOLUNTEER, note=_("Inquiétude signalée"))
        notices.visit_concern(visit, pairing)
    elif outcome == VisitOutcome.UNREACHABLE:
        _check_streak(pairing, visit)
    return visit


def visits_sweep(today: date | None = None) -> int:
    """Run by beat each morning: a visit not confirmed by the day after becomes missed, and its volunteer is
    reminded (email, and SMS to her phone); a second missed in a row alerts staff and offers the pairing to another
    volunteer. Rows another worker holds are skipped. Returns how many visits were marked missed."""
    today = today or _today()
    missed = 0
    while True:
        with transaction.atomic():
            visit = (
                Visit.objects.pending()
                .select_for_update(skip_locked=True, of=("self",))
                .filter(date__lt=today)
                .select_related("volunteer__user", "pairing")
                .order_by("date", "pk")
                .first()
            )
            if visit is None:
                return missed
            visit.outcome, visit.reminded_at = VisitOutcome.MISSED, timezone.now()
            visit.save(update_fields=["outcome", "reminded_at"])
            missed += 1
            pairing = _locked(visit.pairing)
            if pairing.status == PairingStatus.ACTIVE and visit.volunteer_id == pairing.volunteer_id:
                notices.visit_missed(visit, pairing)
                _check_streak(pairing, visit)


def _check_streak(pairing: Pairing, visit: Visit) -> None:
    """Twice in a row the same (missed, or unreachable) with the same volunteer: staff are alerted and the pairing
    is offered to someone else."""
    last_two = list(
        pairing.visits.filter(volunteer_id=visit.volunteer_id, date__lte=visit.date)
        .exclude(outcome="")
        .order_by("-date")
        .values_list("outcome", flat=True)[:2]
    )
    if len(last_two) == 2 and last_two[0] == last_two[1] and last_two[0] in ALERTING_STREAKS:
        _replace(pairing, reason=last_two[0])


def _seek(pairing: Pairing) -> None:
    """Nobody carries the pairing until the matching finds someone: her visits past keep her name (Visit.volunteer)
    and the history says who carried it when."""
    pairing.status, pairing.paused_until, pairing.volunteer, pairing.proposal = PairingStatus.SEEKING, None, None, None
    pairing.save(update_fields=["status", "paused_until", "volunteer", "proposal"])


def _replace(pairing: Pairing, *, reason: str) -> None:
    """Staff learn why; the volunteer's assignment ends (she no longer sees the person's details), the history stays
    with the pairing, and the matching offers it to another volunteer (not her: she handed it back)."""
    notices.pairing_alert(pairing, reason)
    pairing.record(PairingAction.ALERT, note=VisitOutcome(reason).label)
    previous, proposal = pairing.volunteer, pairing.proposal
    _seek(pairing)
    pairing.visits.pending().filter(date__gt=_today()).delete()
    if proposal is not None and proposal.status == ProposalStatus.ACCEPTED:
        note = _("Accompagnement régulier confié à un autre bénévole : %(reason)s deux fois de suite.") % {
            "reason": VisitOutcome(reason).label.lower()
        }
        proposal_hand_back(proposal=proposal, note=note)
        if previous is not None:
            notices.pairing_handed_over(pairing, previous)
    propose_best(pairing.help_request)


@transaction.atomic
def pairings_release(*, volunteer, note: str) -> None:
    """A volunteer who stops helping (suspended, or deleting the account): each pairing she carried looks for
    someone else at once, its history kept (the matching hands back her assignments: matching.receivers)."""
    for pairing in Pairing.objects.open().filter(volunteer=volunteer).exclude(status=PairingStatus.SEEKING):
        pairing = _locked(pairing)
        proposal = pairing.proposal
        _seek(pairing)
        pairing.visits.pending().filter(date__gt=_today()).delete()
        pairing.record(PairingAction.ALERT, note=note[:300])
        if proposal is not None and proposal.status == ProposalStatus.ACCEPTED:
            proposal_hand_back(proposal=proposal, note=note)
        propose_best(pairing.help_request)


# --- Pauses and ends, from either side -------------------------------------------------------------------------


@transaction.atomic
def pairing_pause(*, pairing: Pairing, until: date, side: str, by=None) -> Pairing:
    """No visit until `until` included; the pairing resumes by itself the day after (visits_generate). The
    beneficiary is told by her channel, and the volunteer when she did not ask for it."""
    pairing = _locked(pairing)
    if pairing.status not in (PairingStatus.ACTIVE, PairingStatus.PAUSED):
        raise PairingError(_("Seul un accompagnement en cours peut être mis en pause."))
    if until <= _today():
        raise PairingError(_("Choisissez une date à venir."))
    pairing.status, pairing.paused_until = PairingStatus.PAUSED, until
    pairing.changed_by, pairing.changed_for = by, side
    pairing.save(update_fields=["status", "paused_until", "changed_by", "changed_for"])
    pairing.visits.pending().filter(date__gt=_today(), date__lte=until).delete()
    pairing.record(
        PairingAction.PAUSED, by=by, side=side, note=_("jusqu'au %(date)s") % {"date": until.strftime("%d/%m/%Y")}
    )
    notices.pairing_paused(pairing, side)
    return pairing


@transaction.atomic
def pairing_resume(*, pairing: Pairing, by=None, side: str = "") -> Pairing:
    pairing = _locked(pairing)
    if pairing.status != PairingStatus.PAUSED:
        raise PairingError(_("Cet accompagnement n'est pas en pause."))
    pairing.status, pairing.paused_until = PairingStatus.ACTIVE, None
    pairing.save(update_fields=["status", "paused_until"])
    pairing.record(PairingAction.RESUMED, by=by, side=side)
    _generate([pairing], _today())
    return pairing


@transaction.atomic
def pairing_end(*, pairing: Pairing, reason: str, side: str, by=None) -> Pairing:
    """Over for good: the volunteer's assignment is completed (it counts in her record, and frees her place), or, if
    nobody carried it yet, the request is cancelled. The beneficiary is told by her channel, the volunteer when she
    did not ask for it."""
    pairing = _locked(pairing)
    if not pairing.is_open:
        raise PairingError(_("Cet accompagnement est déjà terminé."))
    pairing.status, pairing.ended_at, pairing.end_reason = PairingStatus.ENDED, timezone.now(), reason
    pairing.paused_until, pairing.changed_by, pairing.changed_for = None, by, side
    pairing.save(update_fields=["status", "ended_at", "end_reason", "paused_until", "changed_by", "changed_for"])
    pairing.visits.pending().filter(date__gt=_today()).delete()
    pairing.record(PairingAction.ENDED, by=by, side=side, note=reason[:300])
    help_request, proposal = pairing.help_request, pairing.proposal
    if proposal is not None and proposal.status == ProposalStatus.ACCEPTED:
        proposal_complete(proposal=proposal, report=reason, concern=False)
    elif help_request.can_be_cancelled:
        help_request.cancel(by=by, note=_("Accompagnement régulier terminé : %(reason)s") % {"reason": reason})
    notices.pairing_ended(pairing, side)
    return pairing
