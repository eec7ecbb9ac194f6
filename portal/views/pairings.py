"""The volunteer's regular helps: her pairings, the week's visits to record, pauses and ends. Above pairings and
requests_app (the person's contact details, logged as on a proposal's page); the dashboard lists them too
(`pairings_for_dashboard`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from matching.enums import ProposalStatus
from pairings.enums import Side, VisitOutcome
from pairings.forms import EndForm, PauseForm, VisitForm
from pairings.models import Pairing, PairingError, Visit
from pairings.services import pairing_end, pairing_pause, pairing_resume, visit_record
from requests_app.privacy import assignment_contact_shown

THANKS = {
    VisitOutcome.DONE: _lazy("Merci ! La visite est notée."),
    VisitOutcome.UNREACHABLE: _lazy(
        "C'est noté. Si la personne reste injoignable, le département prendra de ses nouvelles."
    ),
    VisitOutcome.CONCERN: _lazy("Le département est alerté et va prendre de ses nouvelles au plus vite. Merci."),
}
# Visits of a pairing shown ahead, beside those left to record.
UPCOMING_SHOWN = 2


def _carried_by(user):
    """The pairings this volunteer carries now: open, and her assignment live (it shows her the person's details)."""
    return Pairing.objects.open().filter(volunteer__user=user, proposal__status=ProposalStatus.ACCEPTED)


def get_own_pairing_or_404(user, pk: int) -> Pairing:
    return get_object_or_404(
        _carried_by(user).select_related("help_request__help_type", "help_request__commune", "proposal", "volunteer"),
        pk=pk,
    )


def get_own_visit_or_404(user, pk: int) -> Visit:
    """Her own visits of a pairing she still carries: after a replacement, the visits are the next volunteer's."""
    return get_object_or_404(
        Visit.objects.filter(volunteer__user=user, pairing__in=_carried_by(user)).select_related("pairing"), pk=pk
    )


def _with_visits(pairings, volunteer_id: int):
    """Each pairing with `to_record` (past or today's visits not yet noted) and `upcoming`, from one query."""
    today = timezone.localdate()
    visits = Visit.objects.filter(volunteer_id=volunteer_id).filter(
        Q(date__gt=today) | Q(outcome="") | Q(outcome=VisitOutcome.MISSED)
    )
    pairings = list(pairings.prefetch_related(Prefetch("visits", queryset=visits, to_attr="open_visits")))
    for pairing in pairings:
        pairing.to_record = [visit for visit in pairing.open_visits if visit.date <= today]
        pairing.upcoming = [visit for visit in pairing.open_visits if visit.date > today][:UPCOMING_SHOWN]
    return pairings


def pairings_for_dashboard(volunteer, accepted: list) -> list[Pairing]:
    """The pairings she carries, among her `accepted` proposals (the dashboard has read them): a pairing she carries
    lives on her accepted proposal (pairings.services.pairing_start sets both together), so without one there is
    nothing to look up."""
    if not accepted:
        return []
    carried = Pairing.objects.open().filter(volunteer=volunteer, proposal__in=[proposal.pk for proposal in accepted])
    return _with_visits(carried.select_related("help_request__help_type", "help_request__commune"), volunteer.pk)


def _pairing_page(request: HttpRequest, pairing: Pairing, status: int = 200, **bound_forms) -> HttpResponse:
    [pairing] = _with_visits(Pairing.objects.filter(pk=pairing.pk).select_related(
        "help_request__help_type", "help_request__commune", "proposal"
    ), pairing.volunteer_id)  # fmt: skip
    context = {
        "pairing": pairing,
        "help_request": pairing.help_request,
        "show_contact": assignment_contact_shown(request, pairing.proposal),
        "pause_form": PauseForm(),
        "end_form": EndForm(),
        **bound_forms,
    }
    return render(request, "portal/volunteer/pairing.html", context, status=status)


@login_required
def pairing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _pairing_page(request, get_own_pairing_or_404(request.user, pk))


def _back(request: HttpRequest, pairing_pk: int) -> HttpResponse:
    """Back to the dashboard when the volunteer acted from it, else to the pairing's page."""
    if request.POST.get("retour") == "tableau":
        return redirect("volunteers:dashboard")
    return redirect("volunteers:pairing", pairing_pk)


@login_required
@require_POST
def visit_record_view(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_own_visit_or_404(request.user, pk)
    form = VisitForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return _back(request, visit.pairing_id)
    outcome = form.cleaned_data["outcome"]
    try:
        visit_record(visit=visit, outcome=outcome, note=form.cleaned_data["note"], by=request.user)
    except PairingError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, THANKS[outcome])
    return _back(request, visit.pairing_id)


@login_required
@require_POST
def pairing_pause_view(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = get_own_pairing_or_404(request.user, pk)
    try:
        if "reprendre" in request.POST:
            pairing_resume(pairing=pairing, by=request.user, side=Side.VOLUNTEER)
            messages.success(request, _("L'accompagnement reprend : vos prochaines visites sont prévues."))
            return redirect("volunteers:pairing", pk)
        form = PauseForm(request.POST)
        if not form.is_valid():
            return _pairing_page(request, pairing, status=400, pause_form=form)
        pairing_pause(pairing=pairing, until=form.cleaned_data["paused_until"], side=Side.VOLUNTEER, by=request.user)
    except PairingError as refusal:
        messages.error(request, str(refusal))
        return redirect("volunteers:pairing", pk)
    messages.success(request, _("L'accompagnement est en pause ; la personne en est informée."))
    return redirect("volunteers:pairing", pk)


@login_required
@require_POST
def pairing_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = get_own_pairing_or_404(request.user, pk)
    form = EndForm(request.POST)
    if not form.is_valid():
        return _pairing_page(request, pairing, status=400, end_form=form)
    try:
        pairing_end(pairing=pairing, reason=form.cleaned_data["reason"], side=Side.VOLUNTEER, by=request.user)
    except PairingError as refusal:
        messages.error(request, str(refusal))
        return redirect("volunteers:pairing", pk)
    messages.success(
        request, _("L'accompagnement est terminé ; la personne en est informée. Merci pour votre présence.")
    )
    return redirect("volunteers:dashboard")
