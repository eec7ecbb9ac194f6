"""The SMS providers' delivery reports and the SMS they push: endpoints the providers call, not pages. Each proves it
comes from the provider (Twilio's signature, OVHcloud's secret in the address) before anything is read or stored, and
is exempt from CSRF for that reason only: a provider has no session nor form token."""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from core.sms import ForgedReport, MalformedInbound, read_inbound, read_report
from notifications import delivery, inbound

# What Twilio's client writes for a MessagingResponse with nothing in it: the portal answers no text in the reply to
# the webhook, whose message would escape the outbox (its record, its limits, its delivery report); any answer goes
# through the outbox, from whatever acts on the message (notifications/inbound.py's signal).
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'


def _take_report(request: HttpRequest, provider: str, **url_kwargs) -> HttpResponse:
    try:
        report = read_report(provider, request, **url_kwargs)
    except ForgedReport:
        return HttpResponseForbidden()
    if report is not None:
        delivery.record_report(report)
    # Said alike for a report taken, a replay and an id this portal does not know: the provider has nothing to retry.
    return HttpResponse(status=204)


@csrf_exempt
@require_POST
def twilio_report(request: HttpRequest) -> HttpResponse:
    return _take_report(request, "twilio")


@csrf_exempt
@require_http_methods(["GET", "POST"])  # OVHcloud calls its callback address with the report in the query string
def ovh_report(request: HttpRequest, token: str) -> HttpResponse:
    return _take_report(request, "ovh", token=token)


@csrf_exempt
@require_POST
def twilio_inbound(request: HttpRequest) -> HttpResponse:
    try:
        message = read_inbound("twilio", request)
    except ForgedReport:
        return HttpResponseForbidden()
    except MalformedInbound:
        return HttpResponseBadRequest()
    inbound.receive(message)  # a replay of a message already stored stores nothing, and is answered alike
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")
