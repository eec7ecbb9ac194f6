"""Shopping advances: money a volunteer paid for someone's shopping or medicine (help types that `allow_advances`),
and its repayment. The one place where an advance is recorded and moves (the states and their order:
requests_app.enums.ADVANCE_TRANSITIONS).

1. The volunteer records the amount and a photo of the receipt on the form that finishes the help
   (`proposal_complete_with_advance`).
2. The person helped confirms or disputes it: by SMS, in the "L'aide est-elle bien arrivée ?" that names the amount
   (requests_app/arrival.py calls `advance_answered_by_sms`), or on the phone with an agent (`advance_answer`).
   A dispute alerts staff by email.
3. Staff, or the organisation that filed the request or was routed it, approve the repayment or refuse it with a
   reason (`advance_approve`, `advance_refuse`), then record the day it was repaid (`advance_repaid`).

The portal never sees a card number nor handles cash: the repayment is made outside it (transfer, cheque), the
portal keeps the record. Each step writes a note on the request, which staff read in its history.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.enums import AssociationStatus
from associations.models import Membership
from associations.permissions import get_membership_or_404
from matching.enums import ProposalStatus
from matching.models import Proposal, ProposalError
from matching.services import proposal_complete
from notifications.enums import Event
from notifications.outbox import absolute_url, staff_email_add
from requests_app.enums import AdvanceStatus, AnswerChannel
from requests_app.models import Advance, AdvanceError, HelpRequest

__all__ = [
    "AdvanceError", "advance_answer", "advance_answered_by_sms", "advance_approve", "advance_refuse", "advance_repaid",
    "advances_allowed", "euros", "proposal_complete_with_advance",
]  # fmt: skip


def euros(amount: Decimal) -> str:
    """23,40 € as the French read it, whatever the language the text is rendered in (an SMS, a CSV cell)."""
    return f"{amount:.2f}".replace(".", ",") + " €"


def advances_allowed(proposal: Proposal) -> bool:
    return proposal.help_request.help_type.allows_advances


@transaction.atomic
def proposal_complete_with_advance(
    *, proposal: Proposal, report: str, concern: bool, amount: Decimal, receipt
) -> Proposal:
    """Finishes the help with the advance recorded first, so that the SMS the completion sends names its amount.
    The proposal is locked and checked before the receipt is stored: a refusal leaves no file behind."""
    locked = (
        Proposal.objects.select_for_update(of=("self",)).select_related("help_request__help_type").get(pk=proposal.pk)
    )
    if locked.status != ProposalStatus.ACCEPTED:
        raise ProposalError(_("Seule une demande que vous suivez peut être terminée."))
    if not advances_allowed(locked):
        raise ProposalError(_("Ce type d'aide ne permet pas d'avancer de l'argent."))
    if not Decimal("0") < amount <= settings.ADVANCE_MAX_EUROS:
        raise ProposalError(
            _("Le montant avancé doit être compris entre 0,01 € et %(max)s €.") % {"max": settings.ADVANCE_MAX_EUROS}
        )
    advance = Advance(proposal=locked, amount=amount, receipt=receipt)
    advance.full_clean(exclude=["proposal"])
    advance.save()
    return proposal_complete(proposal=locked, report=report, concern=concern)


def _locked(advance: Advance) -> Advance:
    return Advance.objects.select_for_update(of=("self",)).with_request().get(pk=advance.pk)


def _not_her_own(advance: Advance, by) -> None:
    """Nobody vouches for money she advanced herself: a volunteer who is also an agent or a member of the organisation
    neither takes the person's answer on her own advance nor decides or records its repayment."""
    volunteer = advance.proposal.volunteer
    if by is not None and volunteer is not None and volunteer.user_id == by.pk:
        raise AdvanceError(_("C'est votre propre avance : un autre agent ou membre de la structure doit la traiter."))


def _note(advance: Advance, text: str, *, by=None) -> None:
    advance.proposal.help_request.notes.create(author=by, text=text)


@transaction.atomic
def advance_answer(*, advance: Advance, confirmed: bool, by, channel: AnswerChannel = AnswerChannel.PHONE) -> Advance:
    """The person's word on the amount, taken by an agent on the phone (`by`) or read in their SMS (`by` None).
    An agent may settle a dispute after calling back, or record one after a confirmation. A dispute alerts staff."""
    advance = _locked(advance)
    _not_her_own(advance, by)
    to = AdvanceStatus.CONFIRMED if confirmed else AdvanceStatus.DISPUTED
    advance.move(to, answered_at=timezone.now(), answered_by=by, answer_channel=channel)
    said = _("confirmée") if confirmed else _("CONTESTÉE")
    how = _("par SMS") if channel == AnswerChannel.SMS else _("au téléphone")
    _note(advance, _("Avance de %(amount)s %(said)s par la personne, %(how)s.")
          % {"amount": euros(advance.amount), "said": said, "how": how}, by=by)  # fmt: skip
    if not confirmed and channel == AnswerChannel.PHONE:
        # By SMS, the "2" that disputes it has already alerted staff, in the same email (arrival.py).
        dispute_alert(advance)
    return advance


def advance_awaiting_for(help_request: HelpRequest) -> Advance | None:
    """The advance of this request still waiting for the person's answer (the SMS question names its amount)."""
    return (
        Advance.objects.with_request()
        .filter(proposal__help_request=help_request, status=AdvanceStatus.AWAITING)
        .order_by("-recorded_at")
        .first()
    )


def advance_answered_by_sms(help_request: HelpRequest, *, confirmed: bool) -> Advance | None:
    """The person's 1 or 2 to the question that named the amount: it confirms or disputes the advance waiting for
    it; None when there is none (answered already, on the phone for instance)."""
    advance = advance_awaiting_for(help_request)
    if advance is None:
        return None
    return advance_answer(advance=advance, confirmed=confirmed, by=None, channel=AnswerChannel.SMS)


def dispute_alert(advance: Advance) -> None:
    """Staff learn of the dispute: the reference, the amount and the link, no personal data."""
    help_request = advance.proposal.help_request
    context = {
        "help_request": help_request,
        "advance_amount": euros(advance.amount),
        "advance_only": True,
        "url": absolute_url("requests:advance", advance.pk),
    }
    staff_email_add(Event.HELP_NOT_ARRIVED, context=context, help_request=help_request)


@transaction.atomic
def advance_approve(*, advance: Advance, by) -> Advance:
    """The repayment is agreed: only once the person has confirmed the amount (an agent who settled a dispute on
    the phone records the confirmation first)."""
    advance = _locked(advance)
    _not_her_own(advance, by)
    if advance.status == AdvanceStatus.AWAITING:
        raise AdvanceError(_("La personne aidée n'a pas encore confirmé cette avance : appelez-la d'abord."))
    if advance.status == AdvanceStatus.DISPUTED:
        raise AdvanceError(
            _("La personne a contesté cette avance : notez d'abord sa confirmation, après l'avoir appelée.")
        )
    advance.move(AdvanceStatus.APPROVED, decided_at=timezone.now(), decided_by=by)
    _note(advance, _("Remboursement de l'avance de %(amount)s accepté.") % {"amount": euros(advance.amount)}, by=by)
    return advance


@transaction.atomic
def advance_refuse(*, advance: Advance, by, reason: str) -> Advance:
    reason = reason.strip()
    if not reason:
        raise AdvanceError(_("Donnez le motif du refus : le bénévole le lira."))
    advance = _locked(advance)
    _not_her_own(advance, by)
    advance.move(AdvanceStatus.REFUSED, decided_at=timezone.now(), decided_by=by, refusal_reason=reason[:300])
    _note(advance, _("Remboursement de l'avance de %(amount)s refusé : %(reason)s")
          % {"amount": euros(advance.amount), "reason": reason}, by=by)  # fmt: skip
    return advance


@transaction.atomic
def advance_repaid(*, advance: Advance, by, on: date) -> Advance:
    if on > timezone.localdate():
        raise AdvanceError(_("La date du remboursement ne peut pas être dans le futur."))
    advance = _locked(advance)
    _not_her_own(advance, by)
    if advance.decided_at and on < timezone.localdate(advance.decided_at):
        raise AdvanceError(_("La date du remboursement ne peut pas précéder son accord."))
    advance.move(AdvanceStatus.REPAID, repaid_on=on, repaid_recorded_by=by)
    _note(advance, _("Avance de %(amount)s remboursée le %(on)s.")
          % {"amount": euros(advance.amount), "on": on.strftime("%d/%m/%Y")}, by=by)  # fmt: skip
    return advance


# --- Who reaches which advance ---------------------------------------------------------------------------------------


def get_staff_advance_or_404(pk: int) -> Advance:
    return get_object_or_404(Advance.objects.with_request(), pk=pk)


def get_organisation_membership_or_404(user, association_pk: int) -> Membership:
    """A member of a validated organisation: a pending or suspended one approves no repayment."""
    membership = get_membership_or_404(user, association_pk)
    if membership.association.status != AssociationStatus.VALIDATED:
        raise Http404
    return membership


def get_organisation_advance_or_404(membership: Membership, pk: int) -> Advance:
    """An advance of a request the member's organisation filed or was routed: any other is a 404."""
    return get_object_or_404(Advance.objects.with_request().for_organisation(membership.association), pk=pk)
