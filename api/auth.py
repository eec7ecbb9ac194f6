"""Who calls: `Authorization: Bearer <jeton>`, one token per piece of software, each tied to one organisation.

An operation names the scope it needs, and gets the caller's token as `request.auth`:

    from api.auth import TokenAuth
    from api.enums import Scope

    router = Router(tags=["Missions"])

    @router.post("/", auth=TokenAuth(Scope.MISSIONS_WRITE), response={201: MissionOut})
    def mission_create(request, payload: MissionIn):
        organisation = request.auth.organisation  # an associations.Association, validated
        ...

A router may instead take `Router(auth=TokenAuth(Scope.MISSIONS_READ))` for all its operations. A public route
(open data) says `auth=None`. A route that says nothing inherits the API's default, `TokenAuth()`: any valid token,
no scope; tests/api/test_permission_matrix.py fails until each route is listed there with its rule.

For each call TokenAuth answers, in this order, with a problem document (api.problems):
- 401 when the header is missing, the token unknown or revoked;
- 429 with Retry-After when the token made more than API_RATE_LIMIT calls in the current window (counted in
  Redis by core.ratelimit, in the database while Redis is down: the API keeps answering);
- 403 when the organisation is no longer validated (suspended) or the token lacks the scope.
Every call made with a known token, refused or not, is written to the call log (api.models.ApiCall) by
api.middleware once the answer is known.
"""

import math
import time

from django.conf import settings
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from api.enums import Scope
from api.models import ApiToken
from api.problems import Problem
from core import ratelimit


class TokenAuth(HttpBearer):
    def __init__(self, scope: str | None = None):
        if scope is not None and scope not in Scope.values:
            raise ValueError(f"Unknown API scope {scope!r}")
        self.scope = scope
        super().__init__()

    def authenticate(self, request, token: str) -> ApiToken | None:
        api_token = ApiToken.objects.matching(token.strip())
        if api_token is None:
            return None
        request.api_token = api_token  # for the call log, even if the call is refused below
        if api_token.is_revoked:
            return None
        check_rate(api_token)
        if not api_token.organisation.is_validated:
            raise Problem(
                403,
                _("Votre structure n'est plus validée sur le portail : ses jetons ne donnent plus accès à l'API."),
                slug="structure-non-autorisee",
            )
        if self.scope and not api_token.has_scope(self.scope):
            raise Problem(
                403,
                _("Ce jeton n'a pas la permission « %(scope)s » que demande cette opération.") % {"scope": self.scope},
                slug="permission-manquante",
            )
        api_token.mark_used()
        return api_token


def check_rate(api_token: ApiToken) -> None:
    rate = settings.API_RATE_LIMIT
    if ratelimit.allow("api-token", str(api_token.pk), rate):
        return
    limit, period = ratelimit.parse_rate(rate)
    retry_after = max(1, math.ceil(period - time.time() % period))  # the next window of core.ratelimit
    raise Problem(
        429,
        _("Ce jeton a fait plus de %(limit)s appels en %(period)s secondes. Réessayez dans %(wait)s secondes.")
        % {"limit": limit, "period": period, "wait": retry_after},
        slug="trop-de-requetes",
        headers={"Retry-After": str(retry_after)},
    )
