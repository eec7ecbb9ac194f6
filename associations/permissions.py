"""The one place that decides what a member of an organisation may reach. Anything else is a 404:
a guessed id must not even reveal that the object exists. (Requests routed to the organisation:
`requests_app.routing.get_routed_request_or_404`, which starts from the membership checked here.)"""

from django.shortcuts import get_object_or_404

from associations.enums import MemberRole
from associations.models import Application, Membership, Mission


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
