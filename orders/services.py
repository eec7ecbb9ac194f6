"""Issuing mission orders: one at a time per live assignment, a new one once the last has expired or was revoked.
Revoking them when the assignment ends is orders.receivers' part."""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.enums import ApplicationStatus, AssociationStatus, MissionStatus
from associations.models import Application
from matching.enums import ProposalStatus
from matching.models import Proposal
from orders.codes import new_code
from orders.models import MissionOrder
from requests_app.models import HelpRequest


class OrderError(Exception):
    """No order can be issued for this assignment; the message says why, in French."""


def issuer_of_request(help_request: HelpRequest) -> str:
    """Who vouches for a volunteer helping on a request: the organisation that filed it for one of its residents, or
    holds it, else the département that runs the portal."""
    organisation = help_request.filed_by or help_request.routed_to
    return organisation.name if organisation is not None else settings.OPERATOR_NAME


def _validity_end(today: date, ends_on: date | None = None) -> date:
    longest = today + timedelta(days=settings.MISSION_ORDER_VALID_DAYS)
    return min(longest, ends_on) if ends_on is not None else longest


def _first_name(user) -> str:
    return user.first_name or user.last_name or "—"


@transaction.atomic
def mission_order_for_proposal(*, proposal: Proposal, today: date | None = None) -> MissionOrder:
    """The order of the volunteer's accepted proposal: the current one, or a new one. The proposal's row is locked,
    so that two clicks on "imprimer" issue one order."""
    today = today or timezone.localdate()
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("help_request__filed_by", "help_request__routed_to", "volunteer__user")
        .get(pk=proposal.pk)
    )
    if proposal.status != ProposalStatus.ACCEPTED or proposal.volunteer is None:
        raise OrderError(_("Cette demande ne vous est plus confiée : il n'y a pas d'ordre de mission à imprimer."))
    current = proposal.mission_orders.current(today).first()
    if current is not None:
        return current
    user = proposal.volunteer.user
    return MissionOrder.objects.create(
        code=new_code(),
        volunteer=user,
        proposal=proposal,
        first_name=_first_name(user),
        issuer_name=issuer_of_request(proposal.help_request),
        valid_from=today,
        valid_until=_validity_end(today),
    )


@transaction.atomic
def mission_order_for_application(*, application: Application, today: date | None = None) -> MissionOrder:
    """The order of the volunteer's accepted application to a mission, issued by the mission's organisation: valid
    until the mission's end at the latest."""
    today = today or timezone.localdate()
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("mission__association", "volunteer")
        .get(pk=application.pk)
    )
    mission = application.mission
    if application.status != ApplicationStatus.ACCEPTED or application.volunteer is None:
        raise OrderError(_("Cette candidature n'est plus acceptée : il n'y a pas d'ordre de mission à imprimer."))
    if mission.status == MissionStatus.CLOSED or mission.association.status != AssociationStatus.VALIDATED:
        raise OrderError(_("Cette mission est close : il n'y a plus d'ordre de mission à imprimer."))
    if mission.end_date is not None and mission.end_date < today:
        raise OrderError(_("Cette mission est terminée : il n'y a plus d'ordre de mission à imprimer."))
    current = application.mission_orders.current(today).first()
    if current is not None:
        return current
    user = application.volunteer
    return MissionOrder.objects.create(
        code=new_code(),
        volunteer=user,
        application=application,
        first_name=_first_name(user),
        issuer_name=mission.association.name,
        valid_from=today,
        valid_until=_validity_end(today, mission.end_date),
    )
