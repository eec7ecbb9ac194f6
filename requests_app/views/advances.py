"""The pages of shopping advances (requests_app/advances.py): staff's list "Avances à rembourser" and each advance's
page, where an agent notes the person's answer taken on the phone, approves or refuses the repayment and records
its day; the same pages in an organisation's space, for the requests it filed or was routed (no answer on the phone
there: that is the hotline's). The receipt is shown to staff and to that organisation only, each look logged."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from accounts.roles import can_export_personal_data, can_triage, power_required
from core.private_files import file_response
from requests_app import advances
from requests_app.advance_forms import AdvanceFilterForm, AnswerForm, RefuseForm, RepaidForm
from requests_app.enums import AccessReason, AdvanceStatus
from requests_app.models import Advance, AdvanceError
from requests_app.privacy import access_record

PER_PAGE = 50
# What "Avances à rembourser" lists with no filter chosen: every advance someone still has to act on.
TO_HANDLE = (AdvanceStatus.AWAITING, AdvanceStatus.CONFIRMED, AdvanceStatus.DISPUTED, AdvanceStatus.APPROVED)


def _listed(request: HttpRequest, queryset, template_context: dict) -> HttpResponse:
    form = AdvanceFilterForm(request.GET or None)
    state = form.cleaned_data["etat"] if form.is_valid() else ""
    shown = queryset.filter(status=state) if state else queryset.filter(status__in=TO_HANDLE)
    page = Paginator(shown.with_request().order_by("recorded_at", "pk"), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "requests_app/advance_list.html",
        {"form": form, "page": page, **template_context},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _detail(request: HttpRequest, advance: Advance, context: dict, status: int = 200, **bound) -> HttpResponse:
    forms = {"answer_form": AnswerForm(), "refuse_form": RefuseForm(), "repaid_form": RepaidForm(), **bound}
    return render(request, "requests_app/advance_detail.html", {"advance": advance, **forms, **context}, status=status)


# Each step: its form, what it does with the form's data, and the thanks.
STEPS: dict[str, tuple[type | None, Callable, str]] = {
    "reponse": (
        AnswerForm,
        lambda advance, data, by: advances.advance_answer(advance=advance, confirmed=data["confirmed"], by=by),
        _("Réponse de la personne notée."),
    ),
    "accepter": (
        None,
        lambda advance, data, by: advances.advance_approve(advance=advance, by=by),
        _("Remboursement accepté : notez la date une fois le virement ou le chèque fait."),
    ),
    "refuser": (
        RefuseForm,
        lambda advance, data, by: advances.advance_refuse(advance=advance, by=by, reason=data["reason"]),
        _("Remboursement refusé : le bénévole voit le motif dans son espace."),
    ),
    "rembourser": (
        RepaidForm,
        lambda advance, data, by: advances.advance_repaid(advance=advance, by=by, on=data["repaid_on"]),
        _("Remboursement noté."),
    ),
}
FORM_NAMES = {AnswerForm: "answer_form", RefuseForm: "refuse_form", RepaidForm: "repaid_form"}


def _step(request: HttpRequest, advance: Advance, step: str, context: dict, back: str) -> HttpResponse:
    form_class, action, thanks = STEPS[step]
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        return _detail(request, advance, context, status=400, **{FORM_NAMES[form_class]: form})
    try:
        action(advance, form.cleaned_data if form else {}, request.user)
    except AdvanceError as refusal:
        if form is None:
            messages.error(request, str(refusal))
            return redirect(back)
        # The form comes back with what was typed (a date before the approval, say) and the reason above it.
        form.add_error(None, str(refusal))
        return _detail(request, advance, context, status=400, **{FORM_NAMES[form_class]: form})
    messages.success(request, thanks)
    return redirect(back)


def _receipt(request: HttpRequest, advance: Advance) -> HttpResponse:
    if not advance.receipt:
        raise Http404  # erased with the request's personal data
    access_record(request, AccessReason.RECEIPT, advance.proposal.help_request)
    return file_response(advance.receipt, download_stem=f"ticket-{advance.proposal.help_request.reference}")


# --- Staff ------------------------------------------------------------------------------------------------------


def _staff_context(request: HttpRequest) -> dict:
    return {"association": None, "can_answer": True, "can_export": can_export_personal_data(request.user)}


@power_required(can_triage)
@require_safe
def advance_list(request: HttpRequest) -> HttpResponse:
    return _listed(request, Advance.objects.all(), _staff_context(request))


@power_required(can_triage)
@require_safe
def advance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, advances.get_staff_advance_or_404(pk), _staff_context(request))


@power_required(can_triage)
@require_POST
def advance_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    advance = advances.get_staff_advance_or_404(pk)
    return _step(request, advance, step, _staff_context(request), reverse("requests:advance", args=[pk]))


@power_required(can_triage)
@require_safe
def advance_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    return _receipt(request, advances.get_staff_advance_or_404(pk))


# --- The organisation's space --------------------------------------------------------------------------------------

# The person's answer is taken by the hotline: an organisation approves, refuses and repays.
ORGANISATION_STEPS = frozenset({"accepter", "refuser", "rembourser"})


def _organisation_context(membership) -> dict:
    return {"association": membership.association, "can_answer": False, "can_export": False}


@login_required
@require_safe
def organisation_advance_list(request: HttpRequest, pk: int) -> HttpResponse:
    membership = advances.get_organisation_membership_or_404(request.user, pk)
    queryset = Advance.objects.for_organisation(membership.association)
    return _listed(request, queryset, _organisation_context(membership))


@login_required
@require_safe
def organisation_advance_detail(request: HttpRequest, pk: int, advance_pk: int) -> HttpResponse:
    membership = advances.get_organisation_membership_or_404(request.user, pk)
    advance = advances.get_organisation_advance_or_404(membership, advance_pk)
    return _detail(request, advance, _organisation_context(membership))


@login_required
@require_POST
def organisation_advance_step(request: HttpRequest, pk: int, advance_pk: int, step: str) -> HttpResponse:
    membership = advances.get_organisation_membership_or_404(request.user, pk)
    advance = advances.get_organisation_advance_or_404(membership, advance_pk)
    if step not in ORGANISATION_STEPS:
        raise Http404
    back = reverse("associations:advance", args=[pk, advance_pk])
    return _step(request, advance, step, _organisation_context(membership), back)


@login_required
@require_safe
def organisation_advance_receipt(request: HttpRequest, pk: int, advance_pk: int) -> HttpResponse:
    membership = advances.get_organisation_membership_or_404(request.user, pk)
    return _receipt(request, advances.get_organisation_advance_or_404(membership, advance_pk))
