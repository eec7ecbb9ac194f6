"""The one place that decides what a member of an organisation may reach. Anything else is a 404:
a guessed id must not even reveal that the object exists."""

from django.shortcuts import get_object_or_404

from associations.enums import AssociationStatus, MemberRole
from associations.models import Application, Membership, Mission
from requests_app.models import HelpRequest


def get_membership_or_404(user, association_pk: int, *, admin: bool = False) -> Membership:
    memberships = Membership.objects.select_related("association", "association__commune")
    if admin:
        memberships = memberships.filter(role=MemberRole.ADMIN)
    return get_object_or_404(memberships, user=user.pk if user.is_authenticated else None, association=association_pk)


def get_mission_or_404(membership: Membership, mission_pk: int) -> Mission:
    return get_object_or_404(
        Mission.objects.select_related("commune"), pk=mission_pk, association=membership.association
    )


def get_application_or_404(membership: Membership, application_pk: int) -> Application:
    return get_object_or_404(
        Application.objects.select_related("mission", "volunteer"),
        pk=application_pk,
        mission__association=membership.association,
    )


def get_routed_request_or_404(membership: Membership, reference: str) -> HelpRequest:
    """Only while the organisation holds it: once done or handed back, its personal data is out of reach."""
    return get_object_or_404(
        HelpRequest.objects.held_by(membership.association).select_related("help_type", "commune"),
        reference=reference,
        routed_to__status=AssociationStatus.VALIDATED,
    )
