"""Requests the hotline routed to an organisation: shown with what is needed to act, while it holds them; passed by
its members to one of its own people, who then see them too, while they are theirs.

The pages are the organisation's (under its space, in the `associations` URL namespace: see
`requests_app/routed_urls.py`), the request and the rules about its personal data are this app's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from associations.models import Membership
from associations.permissions import get_membership_or_404
from requests_app.enums import AccessReason
from requests_app.forms import AssignForm, HandBackForm, UnableForm
from requests_app.models import HelpRequest, OrganisationAssignment, TransitionNotAllowed
from requests_app.privacy import contact_shown
from requests_app.routing import (
    AssignmentRefused,
    assignable_people,
    assignee_completion_note,
    assignments_of,
    get_assignment_or_404,
    get_routed_request_or_404,
    routed_request_assign,
    routed_request_complete,
    routed_request_hand_back,
    routed_request_unable,
    routed_request_unassign,
)

# --- The organisation's members ---------------------------------------------------------------------------------


def _routed_page(
    request: HttpRequest, membership: Membership, help_request: HelpRequest, *, status: int = 200, people=None, **forms
) -> HttpResponse:
    """The request's page for a member, with empty forms except the one that just came back with errors. Each showing
    of the contact details is logged, the re-displayed form's too."""
    if not contact_shown(request, help_request, AccessReason.ASSOCIATION_ROUTED):
        raise Http404
    association = membership.association
    people = list(assignable_people(association)) if people is None else people
    assignments = list(
        help_request.organisation_assignments.filter(association=association).select_related("assignee", "assigned_by")
    )
    live = next((assignment for assignment in assignments if assignment.is_live), None)
    context = {
        "association": association,
        "help_request": help_request,
        "assignment": live,
        # Passed to someone who is no longer one of its people: they see nothing now, and the members should know.
        "assignee_gone": live is not None and live.assignee_id not in {person.pk for person in people},
        "past_assignments": [assignment for assignment in assignments if not assignment.is_live],
        "assign_form": AssignForm(people=people),
        "hand_back_form": HandBackForm(),
        **forms,
    }
    return render(request, "requests_app/routed_detail.html", context, status=status)


@login_required
def routed_detail(request: HttpRequest, pk: int, reference: str) -> HttpResponse:
    membership = get_membership_or_404(request.user, pk)
    return _routed_page(request, membership, get_routed_request_or_404(membership, reference))


@login_required
@require_POST
def routed_complete(request: HttpRequest, pk: int, reference: str) -> HttpResponse:
    membership = get_membership_or_404(request.user, pk)
    help_request = get_routed_request_or_404(membership, reference)
    try:
        routed_request_complete(help_request=help_request, by=request.user)
    except TransitionNotAllowed as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Demande %(ref)s marquée comme prise en charge.") % {"ref": reference})
    return redirect("associations:space", pk=pk)


@login_required
@require_POST
def routed_hand_back(request: HttpRequest, pk: int, reference: str) -> HttpResponse:
    membership = get_membership_or_404(request.user, pk)
    help_request = get_routed_request_or_404(membership, reference)
    form = HandBackForm(request.POST)
    if not form.is_valid():
        return _routed_page(request, membership, help_request, status=400, hand_back_form=form)
    try:
        routed_request_hand_back(help_request=help_request, by=request.user, note=form.cleaned_data["note"])
    except TransitionNotAllowed as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Demande %(ref)s rendue au département.") % {"ref": reference})
    return redirect("associations:space", pk=pk)


@login_required
@require_POST
def routed_assign(request: HttpRequest, pk: int, reference: str) -> HttpResponse:
    membership = get_membership_or_404(request.user, pk)
    help_request = get_routed_request_or_404(membership, reference)
    people = list(assignable_people(membership.association))
    form = AssignForm(request.POST, people=people)
    if form.is_valid():
        assignee = form.cleaned_data["assignee"]
        try:
            routed_request_assign(
                help_request=help_request,
                membership=membership,
                assignee=assignee,
                by=request.user,
                note=form.cleaned_data["message"],
            )
        except AssignmentRefused as refusal:
            form.add_error("assignee", str(refusal))
        else:
            messages.success(
                request,
                _("Demande %(ref)s confiée à %(person)s, qui en est informé·e par courriel.")
                % {"ref": reference, "person": assignee},
            )
            return redirect("associations:routed", pk=pk, reference=reference)
    return _routed_page(request, membership, help_request, status=400, people=people, assign_form=form)


@login_required
@require_POST
def routed_unassign(request: HttpRequest, pk: int, reference: str) -> HttpResponse:
    membership = get_membership_or_404(request.user, pk)
    help_request = get_routed_request_or_404(membership, reference)
    try:
        previous = routed_request_unassign(help_request=help_request, membership=membership, by=request.user)
    except AssignmentRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("Demande %(ref)s reprise à %(person)s, qui en est informé·e par courriel.")
            % {"ref": reference, "person": previous.assignee},
        )
    return redirect("associations:routed", pk=pk, reference=reference)


# --- The person a request was passed to -------------------------------------------------------------------------


@login_required
def assigned_list(request: HttpRequest) -> HttpResponse:
    """No name nor contact here (nothing to log): the reference, the help, the commune, who passed it."""
    return render(request, "requests_app/assigned_list.html", {"assignments": list(assignments_of(request.user))})


def _assigned_page(
    request: HttpRequest, assignment: OrganisationAssignment, *, status: int = 200, unable_form=None
) -> HttpResponse:
    help_request = assignment.help_request
    if not contact_shown(request, help_request, AccessReason.ORGANISATION_ASSIGNED):
        raise Http404
    context = {
        "assignment": assignment,
        "association": assignment.association,
        "help_request": help_request,
        "unable_form": unable_form or UnableForm(),
    }
    return render(request, "requests_app/assigned_detail.html", context, status=status)


@login_required
def assigned_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _assigned_page(request, get_assignment_or_404(request.user, reference))


@login_required
@require_POST
def assigned_done(request: HttpRequest, reference: str) -> HttpResponse:
    """ "C'est fait": what the organisation's own button does, in the person's name."""
    assignment = get_assignment_or_404(request.user, reference)
    try:
        routed_request_complete(
            help_request=assignment.help_request,
            by=request.user,
            note=assignee_completion_note(assignment),
            assignment=assignment,
        )
    except (AssignmentRefused, TransitionNotAllowed) as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("Merci ! La demande %(ref)s est terminée ; %(organisation)s en est informée.")
            % {"ref": reference, "organisation": assignment.association},
        )
    return redirect("associations:assigned_list")


@login_required
@require_POST
def assigned_unable(request: HttpRequest, reference: str) -> HttpResponse:
    assignment = get_assignment_or_404(request.user, reference)
    form = UnableForm(request.POST)
    if not form.is_valid():
        return _assigned_page(request, assignment, status=400, unable_form=form)
    try:
        routed_request_unable(assignment=assignment, note=form.cleaned_data["note"])
    except AssignmentRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("C'est noté : la demande %(ref)s ne vous est plus confiée. %(organisation)s en est informée.")
            % {"ref": reference, "organisation": assignment.association},
        )
    return redirect("associations:assigned_list")
