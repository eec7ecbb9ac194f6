from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core import hotline, page_cache
from core.client_ip import client_ip
from core.forms import status_for
from core.ratelimit import allow, allow_each
from requests_app.callbacks import CallbackPlan
from requests_app.enums import ContactChannel
from requests_app.forms import CancelForm, HelpRequestForm
from requests_app.models import HelpRequest, TransitionNotAllowed, callback_when
from requests_app.services import help_request_create
from requests_app.tracking import TrackedPage, tracked_page, tracked_request, tracking_response


@require_http_methods(["GET", "POST"])
@page_cache.cached_for_visitors(page_cache.HELP_TYPES)  # the empty form (a POST is never kept)
def new_request(request: HttpRequest) -> HttpResponse:
    form = HelpRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not allow(
        "request-form-ip", client_ip(request), settings.RATE_LIMIT_REQUEST_FORM_IP
    ):
        return _too_many(request, form)
    if request.method == "POST" and form.is_valid():
        if not allow_each("request-form-contact", form.contacts(), settings.RATE_LIMIT_REQUEST_FORM_CONTACT):
            return _too_many(request, form)
        plan = form.callback_plan()
        help_request = help_request_create(help_request=form.build(), callback=plan)
        messages.success(request, _filed_message(help_request, plan))
        return redirect("requests:track", token=help_request.tracking_token)
    context = {"form": form, "help_types_version": page_cache.version(page_cache.HELP_TYPES)}
    return render(request, "requests_app/new.html", context, status=status_for(form))


def _filed_message(help_request: HelpRequest, plan: CallbackPlan | None) -> str:
    """What to keep after filing depends on how the person will hear from us: whoever chose a call receives no
    SMS, so the reference is what they note down, and they are told when to expect the call."""
    ref = help_request.reference
    if help_request.preferred_channel == ContactChannel.EMAIL:
        return _(
            "Votre demande est enregistrée sous la référence %(ref)s. Le lien pour la suivre vous est envoyé à "
            "votre adresse électronique."
        ) % {"ref": ref}
    if help_request.preferred_channel == ContactChannel.SMS:
        return _(
            "Votre demande est enregistrée sous la référence %(ref)s. Le lien pour la suivre vous est envoyé par SMS."
        ) % {"ref": ref}
    message = format_html(
        _(
            "Votre demande est enregistrée. Notez votre référence {ref} : un agent vous rappellera {when} ; donnez-la "
            "si vous appelez le {phone}."
        ),
        ref=ref,
        when=callback_when(plan.slots if plan else 0),
        phone=hotline.link(),
    )
    if help_request.requester_email:
        message = format_html(
            "{} {}", message, _("Le lien pour la suivre vous est aussi envoyé à votre adresse électronique.")
        )
    return message


def _too_many(request: HttpRequest, form: HelpRequestForm) -> HttpResponse:
    """Nothing is stored, and nothing typed is lost: the form comes back filled, with the way to call instead."""
    message = _(
        "Trop de demandes ont été envoyées d'ici ou pour ce contact en peu de temps. Réessayez plus tard, "
        "ou appelez le %(phone)s : un agent prendra votre demande."
    )
    # The number as a link that dials it, like everywhere else: whoever is refused here most needs to call.
    form.add_error(None, mark_safe(conditional_escape(message) % {"phone": hotline.link()}))  # both parts escaped
    return render(request, "requests_app/new.html", {"form": form}, status=429)


def track_short(request: HttpRequest, token: str) -> HttpResponse:
    return redirect("requests:track", token=tracked_page(request, token).tracking_token)


def track(request: HttpRequest, token: str) -> HttpResponse:
    def draw(tracked: TrackedPage) -> HttpResponse:
        return render(request, "requests_app/track.html", {"tracked": tracked, "cancel_form": CancelForm()})

    return tracking_response(request, token, draw)


@require_POST
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    help_request = tracked_request(token)
    form = CancelForm(request.POST)
    if not form.is_valid():
        context = {"tracked": TrackedPage.of(help_request), "cancel_form": form}
        return render(request, "requests_app/track.html", context, status=400)
    if "confirmer" not in request.POST:
        # One tap must not cancel the help someone waits for: ask once more, carrying the reason.
        return render(request, "requests_app/cancel_confirm.html", {"help_request": help_request, "form": form})
    try:
        help_request.cancel(note=_("Annulée par le demandeur. %(reason)s") % {"reason": form.cleaned_data["reason"]})
    except TransitionNotAllowed:
        messages.error(request, _("Cette demande ne peut plus être annulée : elle est déjà close."))
    else:
        messages.success(request, _("Votre demande est annulée. Merci de nous avoir prévenus."))
    return redirect("requests:track", token=token)
