"""The volunteer's space: the dashboard, the pages of their proposals, their data and the deletion of their account.
They read proposals (matching), contact details (requests_app.privacy) and applications (associations), so they
live here, above those apps; the profile, charter and pause pages stay in volunteers. entraide/urls.py mounts them
in the `volunteers` namespace (`volunteers:dashboard`, `volunteers:proposal`…)."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from associations.models import Application
from campaigns.calls import running_sheets_of, sheets_to_call
from core.forms import status_for
from crisis.models import HealthRules
from matching.enums import LIVE_PROPOSAL_STATUSES, ProposalStatus
from matching.models import Proposal
from matching.services import (
    HealthRulesChanged,
    ProposalError,
    proposal_accept,
    proposal_complete,
    proposal_decline_and_offer_next,
    proposal_hand_back_and_offer_next,
)
from pairings.models import Pairing
from portal.forms import AcceptForm, CompleteForm, DeclineForm, DeleteAccountForm, HandBackForm
from portal.own_data import volunteer_delete, volunteer_export
from portal.views.pairings import pairings_for_dashboard
from requests_app.advances import proposal_complete_with_advance
from requests_app.privacy import assignment_contact_shown
from requests_app.routing import assignments_made_to, assignments_of
from volunteers.forms import PauseForm
from volunteers.models import VolunteerProfile


def get_own_live_proposal_or_404(user, pk: int) -> Proposal:
    """A volunteer reaches only their own proposals, and only while they are live: before, nothing to see;
    after, the beneficiary's details are no longer theirs to see."""
    return get_object_or_404(
        Proposal.objects.select_related("help_request__help_type", "help_request__commune", "volunteer"),
        pk=pk,
        volunteer__user=user,
        status__in=LIVE_PROPOSAL_STATUSES,
    )


# The dashboard shows her latest past proposals; the rest are on the history page, a page at a time.
HISTORY_SHOWN = 10
HISTORY_PER_PAGE = 20


def _past_proposals(volunteer: VolunteerProfile):
    return volunteer.proposals.exclude(status__in=LIVE_PROPOSAL_STATUSES).listed().order_by("-created_at", "-pk")


def _own_profile(user, **annotations) -> VolunteerProfile | None:
    return VolunteerProfile.objects.filter(user=user).annotate(**annotations).first()


# What the dashboard reads of her profile: its state, its attestations, its pause, its load.
DASHBOARD_PROFILE_FIELDS = [
    "user_id", "status", "is_adult", "no_symptoms", "charter_accepted_at", "paused_until", "is_eligible", "capacity",
    "live_count",
]  # fmt: skip


def _dashboard_proposals(volunteer: VolunteerProfile) -> tuple[list[Proposal], list[Proposal]]:
    """Her live proposals, and her latest past ones (one more than shown: whether to link to the rest), in one query:
    the proposals' four tables cost more to compose and plan than to read."""
    latest_past = _past_proposals(volunteer).values("pk")[: HISTORY_SHOWN + 1]
    proposals = (
        volunteer.proposals.listed()
        .filter(Q(status__in=LIVE_PROPOSAL_STATUSES) | Q(pk__in=latest_past))
        .order_by("-created_at", "-pk")
    )
    live, history = [], []
    for proposal in proposals:
        (live if proposal.status in LIVE_PROPOSAL_STATUSES else history).append(proposal)
    return live, history


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    # Whether she has call sheets or requests passed by an organisation, asked with her profile: most volunteers
    # have neither, and the list of those passed to her costs more to plan than to run.
    volunteer = (
        VolunteerProfile.objects.filter(user=request.user)
        .only(*DASHBOARD_PROFILE_FIELDS)
        .annotate(
            has_call_sheets=Exists(running_sheets_of(OuterRef("user"))),
            has_assignments=Exists(assignments_made_to(OuterRef("user"))),
        )
        .first()
    )
    if volunteer is None:
        return redirect("volunteers:profile")
    volunteer.user = request.user
    live, history = _dashboard_proposals(volunteer)
    accepted = [p for p in live if p.status == ProposalStatus.ACCEPTED]
    applications = (
        Application.objects.filter(volunteer=request.user)
        .select_related("mission__association")
        .only("status", "mission__title", "mission__association__name")
    )
    return render(
        request,
        "portal/volunteer/dashboard.html",
        {
            "volunteer": volunteer,
            # The matching offers nothing to a volunteer whose live proposals fill their capacity (matching.ranking).
            "at_capacity": volunteer.live_count >= volunteer.capacity,
            "pending": [p for p in live if p.status == ProposalStatus.PROPOSED],
            # A regular help she carries is listed with its visits, under "Mes accompagnements réguliers".
            "assignments": [p for p in accepted if not p.help_request.is_recurring],
            "history": history[:HISTORY_SHOWN],
            "history_more": len(history) > HISTORY_SHOWN,
            "applications": applications,
            "pairings": pairings_for_dashboard(volunteer, accepted),
            "today": timezone.localdate(),
            "call_sheets": sheets_to_call(request.user) if volunteer.has_call_sheets else [],
            # Requests an organisation she helps on its missions passed to her (requests_app.routing).
            "organisation_assignments": list(assignments_of(request.user)) if volunteer.has_assignments else [],
            "pause_form": PauseForm(),
        },
    )


@login_required
def history(request: HttpRequest) -> HttpResponse:
    """All her past proposals, the latest first, a page at a time (the dashboard shows the latest)."""
    volunteer = _own_profile(request.user)
    if volunteer is None:
        return redirect("volunteers:profile")
    page = Paginator(_past_proposals(volunteer), HISTORY_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/volunteer/history.html", {"page": page})


def _proposal_page(request: HttpRequest, proposal: Proposal, status: int = 200, **bound_forms) -> HttpResponse:
    """The proposal page, with empty forms except the one that just came back with errors."""
    help_request = proposal.help_request
    forms = {
        "decline_form": DeclineForm(),
        "complete_form": CompleteForm(allows_advances=help_request.help_type.allows_advances),
        "hand_back_form": HandBackForm(),
    }
    show_contact = assignment_contact_shown(request, proposal)
    # Before she accepts, the rules in force, whose version the "j'accepte" posts back; after, those she accepted.
    if proposal.status == ProposalStatus.PROPOSED:
        rules = HealthRules.objects.current()
        forms["accept_form"] = AcceptForm(initial={"health_rules_version": rules.version if rules else None})
    else:
        version = proposal.health_rules_version
        rules = HealthRules.objects.filter(version=version).first() if version else None
    context = {
        "proposal": proposal,
        "rules": rules,
        "help_request": help_request,
        "show_contact": show_contact,
        # A regular help is followed on its own page (visits, pause, end) rather than "terminé" once.
        "pairing": Pairing.objects.open().filter(proposal=proposal).first() if help_request.is_recurring else None,
        "advance_max": settings.ADVANCE_MAX_EUROS,
        **forms,
        **bound_forms,
    }
    return render(request, "portal/volunteer/proposal.html", context, status=status)


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _proposal_page(request, get_own_live_proposal_or_404(request.user, pk))


def _act(
    request: HttpRequest, pk: int, form_class, action, success: str, template_form: str, then: str = ""
) -> HttpResponse:
    """Runs a volunteer's answer on her own live proposal: the page again with the form's errors, the dashboard
    with the refusal, or `then` (the dashboard by default) with the thanks."""
    proposal = get_own_live_proposal_or_404(request.user, pk)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        return _proposal_page(request, proposal, status=400, **{template_form: form})
    try:
        action(proposal, form.cleaned_data if form else {})
    except ProposalError as refusal:
        messages.error(request, str(refusal))
        return redirect("volunteers:dashboard")
    messages.success(request, success)
    return redirect(then or "volunteers:dashboard")


@login_required
@require_POST
def proposal_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Accepts with the health rules the page showed; if others came into force since, nothing is accepted and
    the page shows her the new ones, to accept again."""
    proposal = get_own_live_proposal_or_404(request.user, pk)
    form = AcceptForm(request.POST)
    # A tampered version is no version: the rules in force are shown again and she is asked again.
    shown = form.cleaned_data["health_rules_version"] if form.is_valid() else 0
    try:
        proposal_accept(proposal=proposal, health_rules_version=shown)
    except HealthRulesChanged as changed:
        return _proposal_page(request, proposal, status=409, rules_changed=str(changed))
    except ProposalError as refusal:
        messages.error(request, str(refusal))
        return redirect("volunteers:dashboard")
    messages.success(request, _("Merci ! Vous suivez cette demande."))
    return redirect("volunteers:proposal", pk)


@login_required
@require_POST
def proposal_decline_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, DeclineForm, lambda p, data: proposal_decline_and_offer_next(proposal=p, reason=data["reason"]),
        _("C'est noté : la demande sera proposée à quelqu'un d'autre."), "decline_form",
    )  # fmt: skip


@login_required
@require_POST
def proposal_complete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The report, and for shopping or medicine the money the volunteer advanced, with the receipt's photo."""
    proposal = get_own_live_proposal_or_404(request.user, pk)
    allows_advances = proposal.help_request.help_type.allows_advances
    form = CompleteForm(request.POST, request.FILES, allows_advances=allows_advances)
    if not form.is_valid():
        return _proposal_page(request, proposal, status=400, complete_form=form)
    data = form.cleaned_data
    try:
        if allows_advances and data["advanced"]:
            proposal_complete_with_advance(
                proposal=proposal, report=data["report"], concern=data["concern"], amount=data["amount"],
                receipt=data["receipt"],
            )  # fmt: skip
            done = _("Merci pour votre aide ! Le compte rendu et votre avance sont transmis au département.")
        else:
            proposal_complete(proposal=proposal, report=data["report"], concern=data["concern"])
            done = _("Merci pour votre aide ! Le compte rendu est transmis au département.")
    except ProposalError as refusal:
        messages.error(request, str(refusal))
        return redirect("volunteers:dashboard")
    messages.success(request, done)
    return redirect("volunteers:dashboard")


@login_required
@require_POST
def proposal_hand_back_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, HandBackForm,
        lambda p, data: proposal_hand_back_and_offer_next(proposal=p, note=data["note"], by=request.user),
        _("La demande est rendue au département, qui va trouver une autre solution."), "hand_back_form",
    )  # fmt: skip


@login_required
def export(request: HttpRequest) -> HttpResponse:
    data = json.dumps(volunteer_export(request.user), ensure_ascii=False, indent=2)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    filename = f"entraide-mes-donnees-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        volunteer_delete(user=user)
        messages.success(request, _("Votre compte est supprimé. Merci pour tout ce que vous avez fait."))
        return redirect("core:home")
    return render(request, "portal/volunteer/delete.html", {"form": form}, status=status_for(form))
