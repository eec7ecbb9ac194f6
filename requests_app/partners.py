"""Requests a partner organisation files for one of the people it looks after: a commune or its CCAS, a home-help
service, a service of the département (associations.enums.PARTNER_KINDS, `Association.may_file_requests`).

Its members file them from its space (views/partner.py), its software through the API: both go through
`partner_request_file`, which says what such a request is. Its source is "partner" and the organisation is recorded
(`filed_by`); the organisation's agent is the requester and the resident the person helped, whose number the request
is followed by; the resident's agreement, which the agent confirms, is recorded at the moment of filing. Filing itself
is `services.help_request_create` (duplicate flag, history, notices, matching), as for every request.

The organisation's members then follow the requests it filed, the contact details they typed included
(privacy.contact_allowed), and are told when each is taken and done (notices.partner_request_taken and _done).
"""

from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from associations.enums import AssociationStatus
from associations.models import Association, Membership
from associations.permissions import get_membership_or_404
from requests_app.enums import RequesterRelation, Source
from requests_app.models import HelpRequest
from requests_app.services import help_request_create

REQUESTER_NAME_LENGTH = HelpRequest._meta.get_field("requester_name").max_length


class FilingRefused(Exception):
    """Nothing was filed: the organisation may not file, the person filing is not one of its members, or the
    resident's agreement is missing. The message says which, in French, to whoever tried."""


def filing_refusal(organisation: Association) -> str:
    """Why the organisation's members may not file requests, or "" when they may."""
    if not organisation.is_partner:
        return _(
            "Seules les communes et CCAS, les services d'aide à domicile et les services du département déposent des "
            "demandes pour les personnes qu'ils accompagnent."
        )
    if organisation.status == AssociationStatus.PENDING:
        return _(
            "Votre structure attend la validation du département : vous pourrez déposer des demandes et les suivre "
            "dès qu'elle sera validée."
        )
    if organisation.status == AssociationStatus.SUSPENDED:
        return _("Votre structure est suspendue : elle ne peut ni déposer de demandes ni suivre celles déposées.")
    return ""


def requester_signature(organisation: Association, by) -> str:
    """The requester's name on a request an organisation filed: its agent and the organisation ("Claire Martin (CCAS
    de Nancy)"), or the organisation alone when its software filed it."""
    signature = f"{by} ({organisation})" if by is not None else str(organisation)
    return Truncator(signature).chars(REQUESTER_NAME_LENGTH)


@transaction.atomic
def partner_request_file(
    *, organisation: Association, help_request: HelpRequest, by=None, resident_agreed: bool
) -> HelpRequest:
    """Files a request built for one of the organisation's residents (the person helped: `beneficiary_name` and
    `beneficiary_phone`) by its agent `by`, or by its software through the API (`by` None).

    The requester is named after the organisation: its agent and the organisation ("Claire Martin (CCAS de Nancy)"),
    where the built request names no requester. The number a request is followed by is the resident's own, when the
    built request gives no requester contact: every message about a request goes to that number (the SMS the resident
    chose, "did help arrive?", the replies to them) and the request is found by it (the duplicate flag, the hotline's
    lookup). The agent's own address would tie every request the organisation files to each other as duplicates; the
    organisation hears through its own notices (notices.partner_request_taken, _done). The resident's agreement
    (`resident_agreed`, which the agent confirms) is required and recorded now.

    Raises FilingRefused, filing nothing, when the organisation may not file (another kind, pending, suspended),
    `by` is not one of its members, the resident has not agreed, or there is no number to reach them.
    """
    refusal = filing_refusal(organisation)
    if refusal:
        raise FilingRefused(refusal)
    if by is not None and not organisation.memberships.filter(user=by).exists():
        raise FilingRefused(_("Seuls les membres de %(organisation)s déposent des demandes en son nom.") % {
            "organisation": organisation
        })  # fmt: skip
    if resident_agreed is not True:
        raise FilingRefused(_("L'accord de la personne est nécessaire pour déposer la demande."))
    if not help_request.requester_phone and not help_request.requester_email:
        help_request.requester_phone = help_request.beneficiary_phone
    if not help_request.requester_phone and not help_request.requester_email:
        raise FilingRefused(_("Indiquez un téléphone où joindre la personne."))
    help_request.source = Source.PARTNER
    help_request.filed_by = organisation
    help_request.consent_at = timezone.now()
    help_request.requester_relation = RequesterRelation.PROFESSIONAL
    help_request.requester_name = help_request.requester_name or requester_signature(organisation, by)
    return help_request_create(help_request=help_request, created_by=by)


def get_partner_membership_or_404(user, association_pk: int) -> Membership:
    """The user's membership of a partner organisation (any member, whatever their role): the pages of requests filed
    for residents do not exist for another kind of organisation. A pending or suspended partner's members reach the
    page, which tells them why they cannot file (`filing_refusal`)."""
    membership = get_membership_or_404(user, association_pk)
    if not membership.association.is_partner:
        raise Http404
    return membership


def get_filed_request_or_404(membership: Membership, reference: str) -> HelpRequest:
    """A request the member's organisation filed, while the organisation is validated: another organisation's, or
    any once it is suspended, is a 404."""
    return get_object_or_404(
        membership.association.filed_requests.select_related(
            "help_type", "commune", "created_by", "routed_to", "filed_by"
        ).prefetch_related("status_changes"),
        reference=reference,
        filed_by__status=AssociationStatus.VALIDATED,
    )
