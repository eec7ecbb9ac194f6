"""An order is revoked the moment its assignment ends, inside the transaction of the change (connected in apps.py).

The proposal lifecycle's signals (matching.signals) tell only of acceptance and completion; a hand-back, a request
cancelled or taken back by staff (whose live proposal is closed by a bulk UPDATE), an application withdrawn, a
mission closed or an organisation suspended send none. So the receivers listen to the saves of the rows whose
status ends an assignment, and to volunteers.signals.volunteer_withdrawn (suspension, account deletion). Each one
is a single UPDATE, run only for a status that can end an assignment. MissionOrder.state reads the assignment again
on every verification, whatever a receiver missed."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from associations.enums import ApplicationStatus, AssociationStatus, MissionStatus
from associations.models import Application, Association, Mission
from matching.enums import ProposalStatus
from matching.models import Proposal
from orders.enums import RevocationReason
from orders.models import MissionOrder
from requests_app.enums import Status
from requests_app.models import HelpRequest
from volunteers.signals import volunteer_withdrawn

# A request in these statuses has no live assignment: whatever order its proposals had is over.
REQUEST_ENDS = {
    Status.DONE: RevocationReason.DONE,
    Status.CANCELLED: RevocationReason.CANCELLED,
    Status.TRIAGED: RevocationReason.CANCELLED,
    Status.ROUTED: RevocationReason.CANCELLED,
    Status.NEEDS_STAFF: RevocationReason.CANCELLED,
}
PROPOSAL_ENDS = {ProposalStatus.DONE: RevocationReason.DONE, ProposalStatus.CANCELLED: RevocationReason.HANDED_BACK}


def status_saved(created: bool, update_fields) -> bool:
    return not created and (update_fields is None or "status" in update_fields)


@receiver(post_save, sender=Proposal, dispatch_uid="orders_revoke_on_proposal_end")
def proposal_ended(sender, instance: Proposal, created: bool, update_fields=None, **kwargs) -> None:
    if status_saved(created, update_fields) and instance.status in PROPOSAL_ENDS:
        MissionOrder.objects.filter(proposal=instance).revoke(PROPOSAL_ENDS[instance.status])


@receiver(post_save, sender=HelpRequest, dispatch_uid="orders_revoke_on_request_leaving_volunteer")
def request_left_volunteer(sender, instance: HelpRequest, created: bool, update_fields=None, **kwargs) -> None:
    if status_saved(created, update_fields) and instance.status in REQUEST_ENDS:
        MissionOrder.objects.filter(proposal__help_request=instance).revoke(REQUEST_ENDS[instance.status])


@receiver(post_save, sender=Application, dispatch_uid="orders_revoke_on_application_withdrawn")
def application_withdrawn(sender, instance: Application, created: bool, update_fields=None, **kwargs) -> None:
    if status_saved(created, update_fields) and instance.status == ApplicationStatus.WITHDRAWN:
        MissionOrder.objects.filter(application=instance).revoke(RevocationReason.WITHDRAWN)


@receiver(post_save, sender=Mission, dispatch_uid="orders_revoke_on_mission_closed")
def mission_closed(sender, instance: Mission, created: bool, update_fields=None, **kwargs) -> None:
    if status_saved(created, update_fields) and instance.status == MissionStatus.CLOSED:
        MissionOrder.objects.filter(application__mission=instance).revoke(RevocationReason.MISSION_CLOSED)


@receiver(post_save, sender=Association, dispatch_uid="orders_revoke_on_organisation_suspended")
def organisation_suspended(sender, instance: Association, created: bool, update_fields=None, **kwargs) -> None:
    if status_saved(created, update_fields) and instance.status == AssociationStatus.SUSPENDED:
        orders = MissionOrder.objects.filter(application__mission__association=instance)
        orders.revoke(RevocationReason.ORGANISATION_SUSPENDED)


@receiver(volunteer_withdrawn, dispatch_uid="orders_revoke_withdrawn_volunteer")
def withdrawn_volunteer(sender, *, volunteer, **kwargs) -> None:
    MissionOrder.objects.filter(volunteer_id=volunteer.user_id).revoke(RevocationReason.VOLUNTEER_WITHDRAWN)
