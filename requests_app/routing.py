"""Requests the hotline routed to an organisation, seen from the organisation: what its members may reach, what
they do with them, and whom among its own people they pass them to. Routing itself is `HelpRequest.route_to`,
from the admin.

Passing a request on (`OrganisationAssignment`): a member gives it to one of the organisation's people
(`assignable_people`: its members, then the volunteers it accepted on its missions). The request stays routed: the
organisation still answers for it, its members still see it. The person sees the beneficiary's contact details while
the assignment lives and while they are still one of the organisation's people (`assignments_in_force`); it ends
when a member passes the request to someone else or takes it back, when the person says they cannot, and when the
request leaves the organisation (done, handed back, cancelled: `HelpRequest.transition`).
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from associations.enums import ApplicationStatus, AssociationStatus
from associations.models import Application, Association, Membership
from requests_app import arrival, notices
from requests_app.enums import AssignmentEnd, Status
from requests_app.models import HelpRequest, OrganisationAssignment
from volunteers.enums import VolunteerStatus


class AssignmentRefused(Exception):
    """Why a request was not passed on, taken back or given up, in French for the person who tried."""


def get_routed_request_or_404(membership: Membership, reference: str) -> HelpRequest:
    """Only while the organisation holds it: once done or handed back, its personal data is out of reach."""
    return get_object_or_404(
        membership.association.routed_requests.held().select_related("help_type", "commune"),
        reference=reference,
        routed_to__status=AssociationStatus.VALIDATED,
    )


# --- Who may be given a request: the organisation's people -----------------------------------------------------
# The rule is these two querysets; `association` may be an OuterRef, so that a list checks it row by row in SQL.


def _members(association) -> QuerySet:
    return Membership.objects.filter(association=association)


def _accepted_volunteers(association) -> QuerySet:
    """Accepted, not pending: the organisation has not said yes to someone who has only applied, and a vulnerable
    person's address does not go to a stranger. A volunteer the département suspended is left out."""
    return (
        Application.objects.filter(mission__association=association, status=ApplicationStatus.ACCEPTED)
        .exclude(volunteer__volunteer_profile__status=VolunteerStatus.SUSPENDED)
        .order_by()
    )


def assignable_people(association: Association) -> QuerySet:
    """The people a member may pass one of the organisation's requests to, members first (`is_member`), then the
    volunteers it accepted on one of its missions (whatever the mission's state now), each with an active account."""
    people = _members(association).values("user").union(_accepted_volunteers(association).values("volunteer"))
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=people)
        .annotate(is_member=Exists(_members(association).filter(user=OuterRef("pk"))))
        .order_by("-is_member", "last_name", "first_name", "email")
    )


def assignments_in_force() -> QuerySet:
    """Live assignments that still give their person the request: the organisation holds it (routed to it, validated)
    and the person is still one of its people (a member removed, an application withdrawn, a volunteer suspended:
    nothing more to see, whatever the assignment says)."""
    still_theirs = Exists(_members(OuterRef("association")).filter(user=OuterRef("assignee"))) | Exists(
        _accepted_volunteers(OuterRef("association")).filter(volunteer=OuterRef("assignee"))
    )
    return (
        OrganisationAssignment.objects.live()
        .filter(
            help_request__status=Status.ROUTED,
            help_request__routed_to=F("association"),
            association__status=AssociationStatus.VALIDATED,
            assignee__is_active=True,
        )
        .filter(still_theirs)
    )


def assignments_made_to(assignee) -> QuerySet:
    """The live assignments made to `assignee` (a user, or an OuterRef to one), before `assignments_in_force` checks
    they are still theirs: a cheap first look for a page that lists them only if there are any (the full query
    costs more to plan than to run)."""
    return OrganisationAssignment.objects.live().filter(assignee=assignee)


def assignments_of(user) -> QuerySet:
    """The requests passed to `user` that are theirs now, the latest first."""
    return (
        assignments_in_force()
        .filter(assignee=user.pk)
        .select_related("help_request__help_type", "help_request__commune", "association")
        .order_by("-assigned_at", "-pk")
    )


def get_assignment_or_404(user, reference: str) -> OrganisationAssignment:
    """The request `reference` as the person it was passed to reaches it: only while it is theirs. Anyone else,
    a member of the organisation included (their page is the organisation's), gets a 404."""
    return get_object_or_404(
        assignments_of(user).select_related("assigned_by"),
        help_request__reference=reference,
    )


def holds_assignment(user, help_request: HelpRequest) -> bool:
    """Whether `user` is the person the organisation passed this request to, and it is theirs now
    (requests_app.privacy asks it)."""
    return assignments_in_force().filter(assignee=user.pk, help_request=help_request).exists()


# --- What members and the people they pass requests to do with them --------------------------------------------


def _lock(help_request: HelpRequest) -> HelpRequest:
    """The request's row, locked and read again: two members passing it at once, or a member passing it while the
    person finishes it, act one after the other, each on what the other left."""
    return HelpRequest.objects.select_for_update(of=("self",)).get(pk=help_request.pk)


def _locked(help_request: HelpRequest, association: Association) -> HelpRequest:
    """Locked (`_lock`), and refused when the organisation no longer holds it."""
    current = _lock(help_request)
    if current.status != Status.ROUTED or current.routed_to_id != association.pk or not association.is_validated:
        raise AssignmentRefused(_("Votre structure n'a plus cette demande : elle est terminée ou rendue."))
    return current


def _live(help_request: HelpRequest) -> OrganisationAssignment | None:
    return help_request.organisation_assignments.live().select_related("assignee", "association").first()


def _history(help_request: HelpRequest, by, text: str) -> None:
    """Staff read, in the request's notes, who had it when: the status says only "routed"."""
    help_request.notes.create(author=by, text=text)


@transaction.atomic
def routed_request_assign(
    *, help_request: HelpRequest, membership: Membership, assignee, by, note: str = ""
) -> OrganisationAssignment:
    """A member passes the request to one of the organisation's people; whoever had it is told it is no longer
    theirs, the new person is told where to find it."""
    association = membership.association
    _locked(help_request, association)
    if not assignable_people(association).filter(pk=assignee.pk).exists():
        raise AssignmentRefused(
            _(
                "%(person)s n'est ni membre de %(organisation)s, ni bénévole accepté·e sur l'une de ses missions : "
                "la demande ne peut pas lui être confiée."
            )
            % {"person": assignee, "organisation": association}
        )
    previous = _live(help_request)
    if previous is not None and previous.assignee_id == assignee.pk:
        raise AssignmentRefused(_("La demande est déjà confiée à %(person)s.") % {"person": assignee})
    if previous is not None:
        previous.end(AssignmentEnd.REASSIGNED)
        notices.organisation_unassigned(previous, AssignmentEnd.REASSIGNED)
    assignment = OrganisationAssignment(
        help_request=help_request, association=association, assignee=assignee, assigned_by=by, note=note
    )
    assignment.full_clean()
    assignment.save()
    text = _("Confiée par %(organisation)s à %(person)s.") % {"organisation": association, "person": assignee}
    _history(help_request, by, f"{text} {note}".strip())
    notices.organisation_assigned(assignment)
    return assignment


@transaction.atomic
def routed_request_unassign(*, help_request: HelpRequest, membership: Membership, by) -> OrganisationAssignment:
    """A member takes the request back from the person it was passed to, who is told."""
    _locked(help_request, membership.association)
    previous = _live(help_request)
    if previous is None:
        raise AssignmentRefused(_("La demande n'est confiée à personne."))
    previous.end(AssignmentEnd.WITHDRAWN)
    _history(help_request, by, _("Reprise à %(person)s par la structure.") % {"person": previous.assignee})
    notices.organisation_unassigned(previous, AssignmentEnd.WITHDRAWN)
    return previous


@transaction.atomic
def routed_request_unable(*, assignment: OrganisationAssignment, note: str = "") -> None:
    """ "Je ne peux pas": the request is no longer the person's; the organisation's members are told, to pass it to
    someone else (it stays theirs)."""
    _locked(assignment.help_request, assignment.association)
    current = _live(assignment.help_request)
    if current is None or current.pk != assignment.pk:
        raise AssignmentRefused(_("Cette demande ne vous est plus confiée."))
    current.end(AssignmentEnd.UNABLE, note=note)
    text = _("%(person)s ne peut pas s'en occuper.") % {"person": current.assignee}
    _history(assignment.help_request, current.assignee, f"{text} {note}".strip())
    notices.organisation_unable(current)


@transaction.atomic
def routed_request_complete(
    *, help_request: HelpRequest, by, note: str = "", assignment: OrganisationAssignment | None = None
) -> None:
    """Done, by a member or by the person it was passed to (`assignment`, as their page read it: refused when it is
    no longer the live one). The assignment ends with it (HelpRequest.transition); the members are told when that
    person finished it, the person when a member did."""
    _lock(help_request)
    live = _live(help_request)
    if assignment is not None and (live is None or live.pk != assignment.pk):
        raise AssignmentRefused(_("Cette demande ne vous est plus confiée."))
    assignment = live
    help_request.transition(Status.DONE, by=by, note=note or _("Prise en charge terminée par la structure."))
    arrival.request_done(help_request)
    if assignment is None:
        return
    if assignment.assignee_id == by.pk:
        notices.organisation_done(assignment)
    else:
        notices.organisation_unassigned(assignment, AssignmentEnd.DONE)


@transaction.atomic
def routed_request_hand_back(*, help_request: HelpRequest, by, note: str) -> None:
    """Back to the département's triage; whoever the organisation had passed it to is told it is no longer theirs."""
    _lock(help_request)
    assignment = _live(help_request)
    help_request.hand_back_from_association(by=by, note=note)
    if assignment is not None and assignment.assignee_id != by.pk:
        notices.organisation_unassigned(assignment, AssignmentEnd.LEFT_ORGANISATION)


def assignee_completion_note(assignment: OrganisationAssignment) -> str:
    return _("Aide apportée par %(person)s, à qui %(organisation)s l'avait confiée.") % {
        "person": assignment.assignee,
        "organisation": assignment.association,
    }
