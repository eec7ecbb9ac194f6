"""Requests the hotline routed to an organisation: shown with what is needed to act, while it holds them.

The pages are the organisation's (under its space, in the `associations` URL namespace: see
`requests_app/routed_urls.py`), the request and the rules about its personal data are this app's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from associations.permissions import get_membership_or_404
from requests_app.enums import AccessReason
from requests_app.forms import HandBackForm
from requests_app.models import TransitionNotAllowed
from requests_app.privacy import contact_shown
from requests_app.routing import get_routed_request_or_404, routed_request_complete


@login_required
def routed_detail(request: HttpRequest, pk: int, reference: str) -> HttpResponse:
    membership = get_membership_or_404(request.user, pk)
    help_request = get_routed_request_or_404(membership, reference)
    if not contact_shown(request, help_request, AccessReason.ASSOCIATION_ROUTED):
        raise Http404
    return render(
        request,
        "requests_app/routed_detail.html",
        {"association": membership.association, "help_request": help_request, "form": HandBackForm()},
    )


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
        return render(
            request,
            "requests_app/routed_detail.html",
            {"association": membership.association, "help_request": help_request, "form": form},
            status=400,
        )
    try:
        help_request.hand_back_from_association(by=request.user, note=form.cleaned_data["note"])
    except TransitionNotAllowed as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Demande %(ref)s rendue au département.") % {"ref": reference})
    return redirect("associations:space", pk=pk)
