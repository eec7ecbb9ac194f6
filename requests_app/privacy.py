"""The one place that decides who may see a beneficiary's identity, address and phone, and that writes each
such view to the access log.

Staff with the permission to view requests may; the volunteer whose assignment is live may; the
organisation a request is routed to may, while it holds it. Everyone else sees at most the commune, the help
type and the time window.
"""

from associations.enums import AssociationStatus
from requests_app.enums import AccessReason, Status
from requests_app.models import AccessLog, HelpRequest
from volunteers.enums import ProposalStatus


def is_staff_reader(user) -> bool:
    return user.is_authenticated and user.is_staff and user.has_perm("requests_app.view_helprequest")


def contact_allowed(user, help_request: HelpRequest) -> bool:
    if not user.is_authenticated:
        return False
    if is_staff_reader(user):
        return True
    if help_request.proposals.filter(volunteer__user=user, status=ProposalStatus.ACCEPTED).exists():
        return True
    return (
        help_request.status == Status.ROUTED
        and help_request.routed_to_id is not None
        and help_request.routed_to.status == AssociationStatus.VALIDATED
        and help_request.routed_to.memberships.filter(user=user).exists()
    )


def access_record(request, reason: AccessReason, help_request: HelpRequest | None = None) -> None:
    access_records(request, reason, [help_request])


def access_records(request, reason: AccessReason, help_requests) -> None:
    """One line per request shown, written in one query whatever their number."""
    path = request.path[:300]  # without the query string: the hotline's lookup puts a phone number there
    AccessLog.objects.bulk_create(
        AccessLog(user=request.user, user_email=request.user.email, help_request=shown, reason=reason, path=path)
        for shown in help_requests
    )


def contact_shown(request, help_request: HelpRequest, reason: AccessReason) -> bool:
    """Whether the page may show the contact details; when it may, the view is logged."""
    if not contact_allowed(request.user, help_request):
        return False
    access_record(request, reason, help_request)
    return True
