"""Requests the hotline routed to an organisation, seen from the organisation: what its members may reach, and
what they do with them. Routing itself is `HelpRequest.route_to`, from the admin."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from associations.enums import AssociationStatus
from associations.models import Membership
from requests_app import arrival
from requests_app.enums import Status
from requests_app.models import HelpRequest


def get_routed_request_or_404(membership: Membership, reference: str) -> HelpRequest:
    """Only while the organisation holds it: once done or handed back, its personal data is out of reach."""
    return get_object_or_404(
        membership.association.routed_requests.held().select_related("help_type", "commune"),
        reference=reference,
        routed_to__status=AssociationStatus.VALIDATED,
    )


@transaction.atomic
def routed_request_complete(*, help_request: HelpRequest, by, note: str = "") -> None:
    help_request.transition(Status.DONE, by=by, note=note or _("Prise en charge terminée par la structure."))
    arrival.request_done(help_request)
