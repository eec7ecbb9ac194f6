"""The volunteer's mission order (a page to print, and the same as a PDF) and its public check, /verifier/<code>/.

The volunteer reaches only the orders of her own live assignments (404 otherwise). The check shows the first name,
the issuer, the validity and the state, nothing of the mission: whoever reads the paper learns no more from it."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from associations.enums import ApplicationStatus
from associations.models import Application
from core.client_ip import client_ip
from core.ratelimit import allow
from crisis.models import HealthRules
from matching.enums import ProposalStatus
from matching.models import Proposal
from orders.codes import CODE_PATTERN, normalise_code
from orders.enums import OrderState
from orders.models import MissionOrder
from orders.qr import qr_svg
from orders.services import OrderError, mission_order_for_application, mission_order_for_proposal
from requests_app.privacy import assignment_contact_shown


@dataclass
class Assignment:
    """What the paper says of the mission, whichever kind it is."""

    title: str
    reference: str
    place: str
    when: str


def get_own_accepted_proposal_or_404(user, pk: int) -> Proposal:
    return get_object_or_404(
        Proposal.objects.select_related("help_request__help_type", "help_request__commune"),
        pk=pk,
        volunteer__user=user,
        status=ProposalStatus.ACCEPTED,
    )


def get_own_accepted_application_or_404(user, pk: int) -> Application:
    return get_object_or_404(
        Application.objects.select_related("mission__association", "mission__commune"),
        pk=pk,
        volunteer=user,
        status=ApplicationStatus.ACCEPTED,
    )


def proposal_assignment(request: HttpRequest, proposal: Proposal) -> Assignment:
    help_request = proposal.help_request
    # The address only while the assignment lives, and the view logged (requests_app.privacy), as on her page.
    if assignment_contact_shown(request, proposal) and help_request.address:
        place = f"{help_request.address}, {help_request.commune}"
    else:
        place = str(help_request.commune)
    when = (
        _("chaque semaine, le %(slot)s") % {"slot": help_request.recurring_display}
        if help_request.is_recurring
        else help_request.slots_display
    )
    return Assignment(title=str(help_request.help_type), reference=help_request.reference, place=place, when=when)


def application_assignment(application: Application) -> Assignment:
    mission = application.mission
    start = date_format(mission.start_date, "j F Y")
    if mission.end_date:
        when = _("du %(start)s au %(end)s") % {"start": start, "end": date_format(mission.end_date, "j F Y")}
    else:
        when = _("à partir du %(start)s") % {"start": start}
    if mission.schedule:
        when = f"{when} — {mission.schedule}"
    reference = _("mission n° %(pk)s — %(organisation)s") % {"pk": mission.pk, "organisation": mission.association}
    return Assignment(title=mission.title, reference=reference, place=mission.place, when=when)


def order_context(request: HttpRequest, order: MissionOrder, assignment: Assignment, **links) -> dict:
    verify_url = settings.SITE_URL + reverse("orders:verify", args=[order.code])
    return {
        "order": order,
        "assignment": assignment,
        "full_name": request.user.get_full_name() or order.first_name,
        "health_rules": HealthRules.objects.current(),
        "verify_url": verify_url,
        "qr": qr_svg(verify_url, title=_("Code QR menant à %(url)s") % {"url": verify_url}),
        "printed_at": timezone.now(),
        **links,
    }


def order_page(request: HttpRequest, context: dict) -> HttpResponse:
    response = render(request, "orders/print.html", context)
    add_never_cache_headers(response)
    return response


def order_pdf(request: HttpRequest, context: dict) -> HttpResponse:
    # WeasyPrint is imported on the first PDF asked for, not by every process that loads the URLs: it takes half a
    # second and parses its own stylesheets at import.
    from orders.pdf import pdf_from_html

    pdf = pdf_from_html(render_to_string("orders/pdf.html", context, request=request))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ordre-de-mission-{context["order"].code}.pdf"'
    add_never_cache_headers(response)
    return response


def _proposal_order(request: HttpRequest, pk: int) -> dict:
    proposal = get_own_accepted_proposal_or_404(request.user, pk)
    order = mission_order_for_proposal(proposal=proposal)
    return order_context(
        request,
        order,
        proposal_assignment(request, proposal),
        back=reverse("volunteers:proposal", args=[pk]),
        pdf=reverse("orders:proposal_pdf", args=[pk]),
    )


def _application_order(request: HttpRequest, pk: int) -> dict:
    application = get_own_accepted_application_or_404(request.user, pk)
    order = mission_order_for_application(application=application)
    return order_context(
        request,
        order,
        application_assignment(application),
        back=reverse("volunteers:dashboard"),
        pdf=reverse("orders:application_pdf", args=[pk]),
    )


def _served(request: HttpRequest, pk: int, build, serve) -> HttpResponse:
    """The order built by `build` and served by `serve`, or back to the dashboard with the reason when it cannot be
    issued: the help ended between the page's lookup and the order's lock, the mission is over or closed."""
    try:
        context = build(request, pk)
    except OrderError as refusal:
        messages.error(request, str(refusal))
        return redirect("volunteers:dashboard")
    return serve(request, context)


@login_required
@require_safe
def proposal_order(request: HttpRequest, pk: int) -> HttpResponse:
    return _served(request, pk, _proposal_order, order_page)


@login_required
@require_safe
def proposal_order_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _served(request, pk, _proposal_order, order_pdf)


@login_required
@require_safe
def application_order(request: HttpRequest, pk: int) -> HttpResponse:
    return _served(request, pk, _application_order, order_page)


@login_required
@require_safe
def application_order_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _served(request, pk, _application_order, order_pdf)


def public(response: HttpResponse) -> HttpResponse:
    """Never kept by a browser or a proxy (the state changes), never indexed, the code never sent to another site."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    return response


@require_safe
def verify(request: HttpRequest, code: str) -> HttpResponse:
    # Every look counts, before the lookup: an address trying codes is stopped whether they exist or not.
    if not allow("mission-order-check", client_ip(request), settings.RATE_LIMIT_MISSION_ORDER_CHECK):
        return public(render(request, "429.html", status=429))
    code = normalise_code(code)
    order = MissionOrder.objects.with_assignment().filter(code=code).first() if CODE_PATTERN.match(code) else None
    if order is None:
        return public(render(request, "orders/unknown.html", status=404))
    context = {"order": order, "state": order.state(), "states": OrderState, "checked_at": timezone.now()}
    return public(render(request, "orders/verify.html", context))
