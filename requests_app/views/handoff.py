"""The page of a responder outside the portal, reached by a hand-off's link (/relais/<token>/): no account, the
link is the key, and it serves one answer (requests_app/handoffs.py says what single use means)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods

from core.client_ip import client_ip
from core.forms import status_for
from core.phones import readable_phone
from core.ratelimit import allow
from requests_app.enums import HandOffAnswer, HandOffStage
from requests_app.handoff_forms import HandOffAnswerForm
from requests_app.handoffs import LinkUnusable, hand_off_answer, link_dead, link_find
from requests_app.privacy import responder_contact_shown


def private(response: HttpResponse) -> HttpResponse:
    """Nothing of it kept by a browser or a proxy, indexed by a search engine, or named to another site: the token is
    in the address. The referrer stays the portal's `same-origin` (the address goes to the portal itself only, whose
    logs redact it), not `no-referrer`: under that, Chromium sends the page's own form with `Origin: null`, which
    Django's CSRF check refuses."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    return response


def closed(request: HttpRequest, why: str, status: int) -> HttpResponse:
    """A link that opens nothing: why in a sentence, and whom to call. Never a word of the request."""
    return private(render(request, "requests_app/handoff/closed.html", {"why": why}, status=status))


@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, token: str) -> HttpResponse:
    # Every look counts, before the lookup: an address trying tokens is stopped whether they exist or not.
    if not allow("handoff-link", client_ip(request), settings.RATE_LIMIT_HANDOFF_LINK):
        return closed(request, "too_many", 429)
    link = link_find(token)
    if link is None:
        return closed(request, "unknown", 404)
    if why := link_dead(link):
        return closed(request, why, 410)
    form = HandOffAnswerForm(request.POST if request.method == "POST" else None, stage=link.stage)
    if request.method == "POST" and form.is_valid():
        try:
            answered = hand_off_answer(link=link, answer=form.answer, reason=form.cleaned_data["raison"].strip())
        except LinkUnusable as dead:  # a second click, or a colleague answered a moment before
            return closed(request, dead.why, 410)
        if answered.next_token:
            return redirect("requests:handoff", token=answered.next_token)
        context = {"answer": answered.answer, "hand_off": link.hand_off, "answers": HandOffAnswer}
        return private(render(request, "requests_app/handoff/answered.html", context))
    help_request = link.hand_off.help_request
    context = {
        "link": link,
        "hand_off": link.hand_off,
        "help_request": help_request,
        "form": form,
        "answers": HandOffAnswer,
        "taken": link.stage == HandOffStage.FINAL,
        "contact": responder_contact_shown(link),
        # As dialled in France (06 12 34 56 78), the link to call it in the page. The requester's only when it is
        # another number: a partner files with the resident's (partners.py), which is not its agent's.
        "person_phone": readable_phone(help_request.person_phone),
        "requester_phone": readable_phone(help_request.requester_phone)
        if help_request.beneficiary_phone and help_request.requester_phone != help_request.beneficiary_phone
        else "",
    }
    return private(render(request, "requests_app/handoff/page.html", context, status=status_for(form)))
