"""What the matching does when an app below it reports a change (connected in apps.py)."""

from django.dispatch import receiver

from matching.services import proposals_hand_back
from volunteers.signals import volunteer_withdrawn


@receiver(volunteer_withdrawn, dispatch_uid="matching_hand_back_withdrawn_volunteer")
def withdrawn_volunteer_hand_back(sender, *, volunteer, note: str, **kwargs) -> None:
    proposals_hand_back(volunteer=volunteer, note=note)
