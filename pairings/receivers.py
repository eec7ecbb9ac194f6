"""What pairings do when the matching or the volunteers report a change (connected in apps.py), inside the change's
transaction."""

from django.dispatch import receiver

from matching.signals import proposal_accepted, proposal_completed
from pairings.enums import Side
from pairings.models import Pairing
from pairings.services import pairing_end, pairing_start, pairings_release
from volunteers.signals import volunteer_withdrawn


@receiver(proposal_accepted, dispatch_uid="pairings_start_on_acceptance")
def accepted_regular_help(sender, *, proposal, **kwargs) -> None:
    pairing_start(proposal=proposal)


@receiver(proposal_completed, dispatch_uid="pairings_end_on_completion")
def completed_regular_help(sender, *, proposal, **kwargs) -> None:
    """The volunteer closed her assignment from its own page ("terminer"): the pairing it carried ends with it."""
    for pairing in Pairing.objects.open().filter(proposal=proposal):
        pairing_end(pairing=pairing, reason=proposal.report, side=Side.VOLUNTEER, by=proposal.volunteer.user)


@receiver(volunteer_withdrawn, dispatch_uid="pairings_release_withdrawn_volunteer")
def withdrawn_volunteer_release(sender, *, volunteer, note: str, **kwargs) -> None:
    pairings_release(volunteer=volunteer, note=note)
