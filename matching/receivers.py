"""What the matching does when an app below it reports a change (connected in apps.py)."""

from django.dispatch import receiver

from crisis.signals import health_rules_published
from matching.services import proposals_hand_back, proposals_hand_back_unvetted
from matching.tasks import announce_health_rules
from volunteers.signals import vetting_lowered, volunteer_withdrawn


@receiver(volunteer_withdrawn, dispatch_uid="matching_hand_back_withdrawn_volunteer")
def withdrawn_volunteer_hand_back(sender, *, volunteer, note: str, **kwargs) -> None:
    proposals_hand_back(volunteer=volunteer, note=note)


@receiver(vetting_lowered, dispatch_uid="matching_hand_back_unvetted")
def lowered_vetting_hand_back(sender, *, volunteer, **kwargs) -> None:
    proposals_hand_back_unvetted(volunteer=volunteer)


@receiver(health_rules_published, dispatch_uid="matching_announce_health_rules")
def health_rules_announce(sender, *, rules, **kwargs) -> None:
    """Sent once the new version has committed: the volunteers with live assignments are told by a task."""
    announce_health_rules.delay(rules.pk)
