"""The one place that decides who may see a beneficiary's identity, address and phone, and that writes each
such view to the access log: detail pages, the hotline's lookup, admin searches and filtered lists, exports.

Staff who `can_see_contact_details` may; the volunteer whose assignment is live may; the
organisation a request is routed to may, while it holds it, and so may the member or volunteer it passed the
request to, while it is theirs (requests_app.routing); so may a responder outside the portal that took the
request, through its hand-off's link; the organisation that filed it for one of its residents may see what its
members typed, while it is validated. Everyone else sees at most the commune, the help type and the time window.
"""

from collections.abc import Iterable, Iterator
from itertools import islice

from django.contrib.admin.views.main import IS_FACETS_VAR, IS_POPUP_VAR, ORDER_VAR, PAGE_VAR, TO_FIELD_VAR
from django.http import QueryDict

from accounts.roles import can_see_contact_details
from associations.enums import AssociationStatus
from associations.models import Association
from requests_app.enums import AccessReason, HandOffStage, HandOffState, Status
from requests_app.handoffs import link_dead
from requests_app.models import AccessLog, HandOffLink, HelpRequest
from requests_app.routing import holds_assignment
from volunteers.models import VolunteerProfile

Subject = HelpRequest | VolunteerProfile | Association
SUBJECT_FIELDS = {HelpRequest: "help_request", VolunteerProfile: "volunteer", Association: "association"}
# Admin list parameters that page, sort or frame a list without narrowing it to anyone.
NOT_A_FILTER = (PAGE_VAR, ORDER_VAR, IS_POPUP_VAR, TO_FIELD_VAR, IS_FACETS_VAR)
LOG_CHUNK_SIZE = 2000  # the exports' reading chunk: one INSERT of the log for each SELECT of the file


def contact_allowed(user, help_request: HelpRequest) -> bool:
    if not user.is_authenticated:
        return False
    if can_see_contact_details(user):
        return True
    if help_request.proposals.revealing_contact().filter(volunteer__user=user).exists():
        return True
    if (
        help_request.filed_by_id is not None
        and help_request.filed_by.status == AssociationStatus.VALIDATED
        and help_request.filed_by.memberships.filter(user=user).exists()
    ):
        return True
    if (
        help_request.status == Status.ROUTED
        and help_request.routed_to_id is not None
        and help_request.routed_to.status == AssociationStatus.VALIDATED
        and help_request.routed_to.memberships.filter(user=user).exists()
    ):
        return True
    # The member or volunteer the organisation passed it to, while it is theirs.
    return help_request.status == Status.ROUTED and holds_assignment(user, help_request)


def access_record(request, reason: AccessReason, help_request: HelpRequest | None = None) -> None:
    access_records(request, reason, [help_request])


def access_records(request, reason: AccessReason, shown: Iterable[Subject | None], *, query: str = "") -> None:
    """One line per record shown (a request; in an export, also a volunteer or an organisation), written in one
    query whatever their number. `query` is what was searched and filtered, which the path leaves out."""
    path = request.path[:300]  # without the query string: the hotline's lookup puts a phone number there
    AccessLog.objects.bulk_create(
        AccessLog(
            user=request.user,
            user_email=request.user.email,
            reason=reason,
            path=path,
            query=query[:500],
            **({SUBJECT_FIELDS[type(record)]: record} if record is not None else {}),
        )
        for record in shown
    )


def access_logged(request, reason: AccessReason, records: Iterable[Subject], *, query: str = "") -> Iterator[Subject]:
    """The records, as they are read, each chunk written to the access log before any of it is handed on: an export
    holds no record that the log does not name, and its memory holds one chunk, never the file."""
    records = iter(records)
    while chunk := list(islice(records, LOG_CHUNK_SIZE)):
        access_records(request, reason, chunk, query=query)
        yield from chunk


def query_of(params: QueryDict, *, ignored: Iterable[str] = ()) -> str:
    """A page's search and filters as staff chose them, readable in the log: "q=Dupont ; status__exact=new"."""
    return " ; ".join(f"{key}={value}" for key, values in params.lists() if key not in ignored for value in values)


class SearchAccessLogged:
    """For an admin list that finds a beneficiary's requests by name, phone or email (or that filters them down
    to a few people): each search or filtered list writes the query and one line per request on the page shown.

    The plain list is not logged: it shows no name nor contact detail, and a line for each of the fifty requests
    on every look at the queue would bury the searches a data protection officer is looking for. A model admin
    whose plain list does show contact details sets `log_unfiltered_list`."""

    log_unfiltered_list = False
    # Parameters that choose one of the list's saved views (a step of the work, such as "to triage"), which finds
    # nobody: alone, they leave the list unlogged like the plain list; with a search or a filter, they are logged.
    views_parameters: tuple[str, ...] = ()

    def requests_shown(self, objects) -> Iterable[HelpRequest]:
        return objects

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        # Any parameter that narrows the list counts, not only the admin's declared filters: a field lookup typed in
        # the address (`?requester_name__icontains=…`) finds people as surely as the search box.
        query = query_of(request.GET, ignored=NOT_A_FILTER)
        searched = query_of(request.GET, ignored=(*NOT_A_FILTER, *self.views_parameters))
        if changelist is not None and (self.log_unfiltered_list or searched):
            # The page's rows are read here and kept by the queryset: the template reuses them, no second query.
            access_records(request, AccessReason.SEARCH, self.requests_shown(changelist.result_list), query=query)
        return response


def contacts_shown(request, help_requests: Iterable[HelpRequest], reason: AccessReason) -> list[HelpRequest]:
    """The requests among these whose contact details the page may show, each view logged: the others are left
    out of the page."""
    allowed = [help_request for help_request in help_requests if contact_allowed(request.user, help_request)]
    access_records(request, reason, allowed)
    return allowed


def assignment_contact_shown(request, proposal) -> bool:
    """On a volunteer's own proposal page: the contact details only once this proposal is accepted and while it
    lives, whatever else the person may see elsewhere (an agent who also volunteers decides as a volunteer here)."""
    return proposal.reveals_contact and contact_shown(request, proposal.help_request, AccessReason.VOLUNTEER_ASSIGNED)


# What the access log names as the "page" of a view that was an SMS: the volunteer's confirmation (sms_replies.py).
CONFIRMATION_SMS_PATH = "SMS : demande confiée au bénévole"


def assignment_contact_sent(proposal) -> None:
    """The SMS that confirms a volunteer's assignment carries the person's first name and phone: it is logged as her
    proposal page's view of them is, once the assignment is hers."""
    user = proposal.volunteer.user
    AccessLog.objects.create(
        user=user,
        user_email=user.email,
        help_request=proposal.help_request,
        reason=AccessReason.VOLUNTEER_ASSIGNED,
        path=CONFIRMATION_SMS_PATH,
    )


def contact_shown(request, help_request: HelpRequest, reason: AccessReason) -> bool:
    """Whether the page may show the contact details; when it may, the view is logged."""
    if not contact_allowed(request.user, help_request):
        return False
    access_record(request, reason, help_request)
    return True


def responder_may_see_contact(link: HandOffLink) -> bool:
    """A responder outside the portal sees the person's contact details once it has taken the request: through the
    hand-off's live second link, while the request is still its (routed, the hand-off taken)."""
    hand_off = link.hand_off
    return (
        link_dead(link) is None
        and link.stage == HandOffStage.FINAL
        and hand_off.state == HandOffState.TAKEN
        and hand_off.help_request.status == Status.ROUTED
    )


def responder_contact_shown(link: HandOffLink) -> bool:
    """Whether the hand-off's page (/relais/<token>/) may show the contact details; when it may, the showing is
    logged. The responder has no account: the line names it by its label and address (`user_email`, no `user`),
    and the page by the hand-off's number, never by the link's token."""
    if not responder_may_see_contact(link):
        return False
    hand_off = link.hand_off
    AccessLog.objects.create(
        user=None,
        user_email=f"{hand_off.responder_label} <{hand_off.contact_display}>"[:254],
        help_request=hand_off.help_request,
        reason=AccessReason.HANDOFF,
        path=f"/relais/<token>/ (relais n° {hand_off.pk})",
    )
    return True
