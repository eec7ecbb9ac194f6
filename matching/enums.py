from django.db import models
from django.utils.translation import gettext_lazy as _


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposée")
    ACCEPTED = "accepted", _("Acceptée")
    DECLINED = "declined", _("Déclinée")
    EXPIRED = "expired", _("Expirée")
    DONE = "done", _("Terminée")
    CANCELLED = "cancelled", _("Annulée")


# Only while the assignment lives: not before the volunteer accepts, not once it is done or handed back.
CONTACT_REVEALING_STATUSES = (ProposalStatus.ACCEPTED,)
LIVE_PROPOSAL_STATUSES = (ProposalStatus.PROPOSED, ProposalStatus.ACCEPTED)

# The one place that says which status may follow which (`Proposal.move` checks it).
TRANSITIONS: dict[str, frozenset[str]] = {
    # The volunteer answers, lets the deadline pass, or the request leaves their hands (staff, the requester).
    ProposalStatus.PROPOSED: frozenset(
        {ProposalStatus.ACCEPTED, ProposalStatus.DECLINED, ProposalStatus.EXPIRED, ProposalStatus.CANCELLED}
    ),
    # Helped, or handed back (by the volunteer, a suspension, the account's deletion, or the request moving).
    ProposalStatus.ACCEPTED: frozenset({ProposalStatus.DONE, ProposalStatus.CANCELLED}),
    ProposalStatus.DECLINED: frozenset(),
    ProposalStatus.EXPIRED: frozenset(),
    ProposalStatus.DONE: frozenset(),
    ProposalStatus.CANCELLED: frozenset(),
}


def statuses_leading_to(to: str) -> frozenset[str]:
    """The statuses a proposal may reach `to` from: for the changes made to many rows at once."""
    return frozenset(status for status, targets in TRANSITIONS.items() if to in targets)


def asked_before(*, recurring: bool) -> frozenset[str]:
    """The statuses of a volunteer's earlier proposal for a request after which it is not offered to her again: any,
    but for a regular help the one she completed (the same request turned into a pairing: the matching then asks
    her first, for continuity)."""
    statuses = frozenset(ProposalStatus)
    return statuses - {ProposalStatus.DONE} if recurring else statuses
