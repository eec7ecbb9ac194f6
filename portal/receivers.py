"""What the portal does when an app below it reports a change (connected in apps.py)."""

from django.dispatch import receiver

from associations.services import AssociationError
from associations.signals import application_accepting
from portal.missions import application_refusals


@receiver(application_accepting, dispatch_uid="portal_application_safeguards")
def application_accepting_check(sender, *, application, **kwargs) -> None:
    """An organisation accepts only a volunteer who may still take the mission's help type: her check may have
    expired or been taken back since she applied."""
    if application.volunteer is None:
        return
    if refusals := application_refusals(mission=application.mission, user=application.volunteer):
        raise AssociationError(" ".join(refusals))
