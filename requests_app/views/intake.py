import json
from datetime import timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from accounts.roles import can_see_contact_details, can_take_calls, power_required
from core import hotline
from core.forms import status_for
from notifications.models import SmsOptOut
from requests_app.enums import AccessReason, ContactChannel, Source
from requests_app.forms import IntakeForm, PhoneLookupForm
from requests_app.models import HelpRequest
from requests_app.privacy import contacts_shown
from requests_app.references import spoken
from requests_app.services import help_request_create

EARLIER_REQUESTS_SHOWN = 20


def looked_up_phone(lookup: PhoneLookupForm):
    return lookup.cleaned_data["telephone"] if lookup.is_valid() else None


def earlier_requests(request: HttpRequest, phone) -> list[HelpRequest]:
    """The requests where this number appears, newest first, each written to the access log as it is shown; none for
    staff who may not see contact details."""
    if not phone:
        return []
    return contacts_shown(
        request,
        HelpRequest.objects.from_contact(phone=str(phone))
        .select_related("help_type", "commune")
        .order_by("-created_at")[:EARLIER_REQUESTS_SHOWN],
        AccessReason.HOTLINE_LOOKUP,
    )


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


def as_typed(details: dict) -> dict[str, str]:
    """The details as the console's inputs show them (a phone in the national format, a commune with its postal
    code): what static/js/caller-history.js fills in."""
    form = IntakeForm(initial=details)
    typed = {}
    for name in details:
        shown = form[name].field.widget.format_value(form[name].value())
        typed[name] = (shown[0] if isinstance(shown, list) else shown) or ""
    return typed


def confirmation(help_request: HelpRequest) -> str:
    """What the agent tells the caller before hanging up, shown once the request is filed: the reference, spelled to
    be written down, and whether it also leaves by SMS (only to whoever chose SMS, and never to a number that answered
    STOP); then what happens next, by the channel they chose."""
    sms = help_request.preferred_channel == ContactChannel.SMS and bool(help_request.requester_phone)
    opt_out = SmsOptOut.objects.filter(number=help_request.requester_phone.as_e164).first() if sms else None
    callback = help_request.callbacks.open().order_by("due_at").first()
    # A call promised for now, or within minutes, is "dès que possible" to the caller.
    callback_at = callback.due_at if callback and callback.due_at > timezone.now() + timedelta(minutes=15) else None
    return render_to_string(
        "requests_app/_intake_confirmation.html",
        {
            "help_request": help_request,
            "spoken_groups": spoken(help_request.reference).split(" – "),  # a line breaks between groups only
            "sms_to": help_request.requester_phone.as_national if sms and opt_out is None else "",
            "opt_out": opt_out,
            "callback": callback,
            "callback_at": callback_at,
            "hotline": hotline.number(),
            "hotline_hours": hotline.opening_hours(),
        },
    )


@power_required(can_take_calls)
@require_http_methods(["GET", "POST"])
def console(request: HttpRequest) -> HttpResponse:
    """The hotline operator's screen: who is calling (earlier requests from this number), then a new request."""
    lookup = PhoneLookupForm(request.GET or None)
    phone = looked_up_phone(lookup)
    earlier = earlier_requests(request, phone)
    details = caller_details(phone, earlier)

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
            messages.success(request, confirmation(help_request))
            # Back to an empty console: the operator is ready for the next call.
            return redirect("requests:intake")
    else:
        form = IntakeForm(initial=details)
    # The operator's next keystroke goes where the call is: the number first, then the caller's name.
    (form.fields["requester_name"] if phone else lookup.fields["telephone"]).widget.attrs["autofocus"] = True

    return render(
        request,
        "requests_app/intake.html",
        {
            "form": form,
            "lookup": lookup,
            "phone": phone,
            "earlier": earlier,
            "history_hidden": not can_see_contact_details(request.user),
            # A known caller's details are in the form as it opens: the panel says so.
            "prefilled": not form.is_bound and len(details) > 1,
        },
        status=status_for(form),
    )


@power_required(can_take_calls)
@require_safe
def caller_history(request: HttpRequest) -> HttpResponse:
    """The console's panel of earlier requests for a number typed in the form, fetched by
    static/js/caller-history.js: the same lookup as the console's, without leaving what is being typed."""
    phone = looked_up_phone(PhoneLookupForm(request.GET))
    earlier = earlier_requests(request, phone)
    details = caller_details(phone, earlier)
    # Only a known caller's details are worth offering: the number itself is already in the form.
    offered = json.dumps(as_typed(details)) if len(details) > 1 else ""
    context = {
        "phone": phone,
        "earlier": earlier,
        "history_hidden": not can_see_contact_details(request.user),
        "details": offered,
    }
    return render(request, "requests_app/_caller_history.html", context)
