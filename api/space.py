"""The organisation's API tokens, in its space: its admins create, list and revoke them. Mounted under
/associations/<pk>/api/ in the `associations` URL namespace by entraide/urls.py (api/space_urls.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from api.forms import ApiTokenForm
from api.models import ApiToken
from api.services import api_token_create
from associations.models import Membership
from associations.permissions import get_membership_or_404


def get_token_admin_or_404(user, association_pk: int) -> Membership:
    """An admin of a validated organisation: the only one who may see and manage its tokens. Anyone else, a
    member who is not an admin included, gets a 404, as for the rest of the organisation's space."""
    membership = get_membership_or_404(user, association_pk, admin=True)
    if not membership.association.is_validated:
        raise Http404
    return membership


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_token_admin_or_404(request.user, pk)
    association = membership.association
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, secret = api_token_create(
            organisation=association,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            created_by=request.user,
        )
        # Shown in the answer to the POST and nowhere else: no redirect, so the secret is never in a URL, a
        # session or a later page.
        return render(
            request, "api/token_created.html", {"association": association, "token": token, "secret": secret}
        )
    tokens = ApiToken.objects.for_organisation(association).select_related("created_by", "revoked_by")
    return render(
        request,
        "api/token_list.html",
        {"membership": membership, "association": association, "tokens": tokens, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int, token_pk: int) -> HttpResponse:
    membership = get_token_admin_or_404(request.user, pk)
    token = get_object_or_404(ApiToken.objects.for_organisation(membership.association), pk=token_pk)
    if token.is_revoked:
        messages.info(request, _("Le jeton « %(name)s » était déjà révoqué.") % {"name": token.name})
    else:
        token.revoke(by=request.user)
        messages.success(
            request,
            _("Le jeton « %(name)s » est révoqué : les appels faits avec lui sont désormais refusés.")
            % {"name": token.name},
        )
    return redirect("associations:api_tokens", pk=pk)
