from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.roles import can_take_calls, power_required
from core.forms import status_for
from requests_app.enums import AccessReason, Source
from requests_app.forms import IntakeForm, PhoneLookupForm
from requests_app.models import HelpRequest
from requests_app.privacy import contacts_shown
from requests_app.services import help_request_create

EARLIER_REQUESTS_SHOWN = 20


def caller_details(phone, earlier: list[HelpRequest]) -> dict:
    """What a known caller need not spell out again: taken from their latest request."""
    if not phone:
        return {}
    # Only from the caller's own requests: a beneficiary calling must not get the requester's details.
    own = [r for r in earlier if r.requester_phone == phone]
    if not own:
        return {"requester_phone": phone}
    latest = own[0]
    return {
        "requester_phone": phone,
        "requester_relation": latest.requester_relation,
        "requester_name": latest.requester_name,
        "requester_email": latest.requester_email,
        "beneficiary_name": latest.beneficiary_name,
        "beneficiary_phone": latest.beneficiary_phone,
        "commune": latest.commune,
        "address": latest.address,
    }


@power_required(can_take_calls)
@require_http_methods(["GET", "POST"])
def console(request: HttpRequest) -> HttpResponse:
    """The hotline operator's screen: who is calling (earlier requests from this number), then a new request."""
    lookup = PhoneLookupForm(request.GET or None)
    phone = lookup.cleaned_data["telephone"] if lookup.is_valid() else None
    earlier = []
    if phone:
        earlier = contacts_shown(
            request,
            HelpRequest.objects.from_contact(phone=str(phone))
            .select_related("help_type", "commune")
            .order_by("-created_at")[:EARLIER_REQUESTS_SHOWN],
            AccessReason.HOTLINE_LOOKUP,
        )

    if request.method == "POST":
        form = IntakeForm(request.POST)
        if form.is_valid():
            help_request = form.build()
            help_request.source = Source.PHONE
            help_request_create(
                help_request=help_request,
                created_by=request.user,
                note=form.cleaned_data["note"],
                callback=form.callback_plan(),
            )
            messages.success(
                request,
                format_html(
                    _('Demande <a href="{}">{}</a> enregistrée. Donnez cette référence à l\'appelant.'),
                    reverse("admin:requests_app_helprequest_change", args=[help_request.pk]),
                    help_request.reference,
                ),
            )
            # Back to an empty console: the operator is ready for the next call.
            return redirect("requests:intake")
    else:
        form = IntakeForm(initial=caller_details(phone, earlier))
    # The operator's next keystroke goes where the call is: the number first, then the caller's name.
    (form.fields["requester_name"] if phone else lookup.fields["telephone"]).widget.attrs["autofocus"] = True

    return render(
        request,
        "requests_app/intake.html",
        {"form": form, "lookup": lookup, "phone": phone, "earlier": earlier},
        status=status_for(form),
    )
