"""The requests a partner organisation (a commune or CCAS, a home-help service, a département service) files for the
people it looks after: the list, the form, each request's page.

The pages are the organisation's (under its space, in the `associations` URL namespace: see
`requests_app/partner_urls.py`); who may file, and what filing does, is `requests_app/partners.py`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.forms import status_for
from requests_app.enums import NEXT_STEP_FOR_PARTNER, AccessReason, Status
from requests_app.filters import FiledRequestFilter
from requests_app.forms import PartnerIntakeForm
from requests_app.names import first_name
from requests_app.partners import (
    FilingRefused,
    filing_refusal,
    get_filed_request_or_404,
    get_partner_membership_or_404,
    partner_request_file,
)
from requests_app.privacy import contact_shown

FILED_PER_PAGE = 25


def resident_first_name(full_name: str) -> str:
    """ "Germaine" for "Germaine Petit"; the initials ("R. C.") when the name does not tell the first name from the
    surname (names.first_name): the surname must not show, and colleagues still tell the rows apart."""
    return first_name(full_name) or " ".join(f"{word[0].upper()}." for word in full_name.split()[:3])


def refused(request: HttpRequest, membership, reason: str) -> HttpResponse:
    """A pending or suspended partner's members are told why they cannot file or follow, rather than a 404: they
    reached the page from their own space."""
    return render(
        request,
        "requests_app/partner_refused.html",
        {"association": membership.association, "membership": membership, "reason": reason},
        status=403,
    )


@login_required
@require_safe
def filed_list(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_partner_membership_or_404(request.user, pk)
    organisation = membership.association
    if reason := filing_refusal(organisation):
        return refused(request, membership, reason)
    filters = FiledRequestFilter(
        request.GET or None,
        queryset=organisation.filed_requests.select_related("help_type", "commune", "created_by").order_by(
            "-created_at", "-pk"
        ),
    )
    # Nothing rather than everything when the choice cannot be understood: the form says so.
    shown = filters.qs if not filters.is_bound or filters.is_valid() else filters.queryset.none()
    page = Paginator(shown, FILED_PER_PAGE).get_page(request.GET.get("page"))
    for help_request in page:
        # The list says whom each request is for by first name only: enough for colleagues to know it, too little to
        # read the person's file over a shoulder. The whole name is on the request's page, in the access log.
        help_request.resident_first_name = resident_first_name(help_request.beneficiary_name)
        help_request.next_step_for_partner = NEXT_STEP_FOR_PARTNER[help_request.status]
    return render(
        request,
        "requests_app/partner_list.html",
        {"association": organisation, "membership": membership, "filter": filters, "page": page},
        status=status_for(filters.form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def filed_new(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_partner_membership_or_404(request.user, pk)
    organisation = membership.association
    if reason := filing_refusal(organisation):
        return refused(request, membership, reason)
    form = PartnerIntakeForm(request.POST if request.method == "POST" else None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            help_request = partner_request_file(
                organisation=organisation,
                help_request=form.build(),
                by=request.user,
                resident_agreed=form.cleaned_data["consent"],
            )
        except FilingRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _(
                    "Demande %(ref)s déposée. Un agent du département va l'étudier, en général dans la journée. Vous "
                    "recevrez un courriel quand quelqu'un la prendra en charge, puis quand elle sera terminée."
                )
                % {"ref": help_request.reference},
            )
            return redirect("associations:filed_request", pk=organisation.pk, reference=help_request.reference)
    return render(
        request,
        "requests_app/partner_new.html",
        {"association": organisation, "membership": membership, "form": form},
        status=status_for(form),
    )


@login_required
@require_safe
def filed_detail(request: HttpRequest, pk: int, reference: str) -> HttpResponse:
    membership = get_partner_membership_or_404(request.user, pk)
    help_request = get_filed_request_or_404(membership, reference)
    if not contact_shown(request, help_request, AccessReason.PARTNER_FILED):
        raise Http404
    return render(
        request,
        "requests_app/partner_detail.html",
        {
            "association": membership.association,
            "membership": membership,
            "help_request": help_request,
            "next_step": NEXT_STEP_FOR_PARTNER[help_request.status],
            # Only an organisation is named: a volunteer who takes it stays "un bénévole" to the organisation.
            "taken_by": help_request.routed_to if help_request.status == Status.ROUTED else None,
        },
    )
