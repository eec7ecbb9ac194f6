"""Who may call what in the API: every route × every kind of token × two organisations.

The routes come from the API itself (its URL patterns and its OpenAPI document): a route added without a rule in
API_RULES makes `test_every_api_route_has_a_rule` fail. Each route is then called with no token, an unknown one, a
revoked one, a token holding each scope alone, and a token of organisation B holding every scope, on objects of
organisation A: a token without the scope gets 403, a token of B never gets A's objects (404 for one of them, and
nothing of A's in a list), and nothing of A's personal data ever leaves in a refusal.
"""

import json
import re
from dataclasses import dataclass, field

import pytest

from api.enums import Scope
from api.v1 import api_v1
from associations.enums import OrganisationKind
from requests_app.enums import Source
from tests.api.factories import ApiTokenFactory, bearer, resident
from tests.associations.factories import AssociationFactory, MissionFactory
from tests.requests_app.factories import HelpRequestFactory

# What organisation A sent or owns, that no other token may read.
A_SECRETS = ["Germaine Déposée", "12 rue du Partenaire", "61 23 45 67", "612345678"]


@dataclass
class ApiRule:
    """scope: the scope the route needs (None: any valid token). public: no token needed (open data).
    kwargs: fills the path's parameters with an object of organisation A. body: what is sent (POST, PUT, PATCH).
    own_objects: the route reads or changes one of A's objects, so B's token gets 404 (never 403: that would say it
    exists)."""

    scope: str | None = None
    public: bool = False
    kwargs: callable = field(default=lambda world: {})
    body: callable = field(default=lambda world: {})
    own_objects: bool = False


def draft_of_a(world) -> dict:
    return {"mission_id": MissionFactory(association=world.organisation_a, draft=True).pk}


def mission_of_a(world) -> dict:
    return {"mission_id": MissionFactory(association=world.organisation_a).pk}


NEW_MISSION = {
    "title": "Portage de repas", "domain": "food_emergency", "description": "Livrer les repas du midi.",
    "commune": "54329", "start_date": "2099-01-01",
}  # fmt: skip

API_RULES = {
    ("GET", "/api/v1/jeton/"): ApiRule(scope=None),
    ("POST", "/api/v1/demandes/"): ApiRule(scope=Scope.REQUESTS_WRITE, body=lambda world: resident()),
    ("GET", "/api/v1/demandes/"): ApiRule(scope=Scope.REQUESTS_READ),
    ("GET", "/api/v1/demandes/{reference}/"): ApiRule(
        scope=Scope.REQUESTS_READ, kwargs=lambda world: {"reference": world.filed_by_a.reference}, own_objects=True
    ),
    # The organisation's missions (api/missions.py).
    ("GET", "/api/v1/missions/"): ApiRule(scope=Scope.MISSIONS_READ),
    ("POST", "/api/v1/missions/"): ApiRule(scope=Scope.MISSIONS_WRITE, body=lambda world: NEW_MISSION),
    ("GET", "/api/v1/missions/{mission_id}/"): ApiRule(
        scope=Scope.MISSIONS_READ, kwargs=mission_of_a, own_objects=True
    ),
    ("PATCH", "/api/v1/missions/{mission_id}/"): ApiRule(
        scope=Scope.MISSIONS_WRITE, kwargs=mission_of_a, body=lambda world: {"title": "Repris"}, own_objects=True
    ),
    ("POST", "/api/v1/missions/{mission_id}/publier/"): ApiRule(
        scope=Scope.MISSIONS_WRITE, kwargs=draft_of_a, own_objects=True
    ),
    ("POST", "/api/v1/missions/{mission_id}/clore/"): ApiRule(
        scope=Scope.MISSIONS_WRITE, kwargs=mission_of_a, own_objects=True
    ),
    # Open data (api/public.py): anyone, token or not.
    ("GET", "/api/v1/public/missions/"): ApiRule(public=True),
    ("GET", "/api/v1/public/missions/{mission_id}/"): ApiRule(public=True, kwargs=mission_of_a),
    ("GET", "/api/v1/public/structures/"): ApiRule(public=True),
    ("GET", "/api/v1/public/structures/{structure_id}/"): ApiRule(
        public=True, kwargs=lambda world: {"structure_id": world.organisation_a.pk}
    ),
}


def openapi_operations() -> set[tuple[str, str]]:
    document = api_v1.get_openapi_schema()
    return {(method.upper(), path) for path, methods in document["paths"].items() for method in methods}


def routed_paths() -> set[str]:
    """The API's URL patterns as OpenAPI writes them ("<str:reference>" → "{reference}"), the document's own aside."""
    patterns, _app_name, _namespace = api_v1.urls
    return {
        "/api/v1/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        for pattern in patterns
        if pattern.name not in ("openapi-json", "api-root")  # the document itself; ninja's root, always a 404
    }


def test_every_api_route_has_a_rule():
    operations = openapi_operations()
    assert operations - set(API_RULES) == set(), "an API route without a rule: add it to API_RULES"
    assert set(API_RULES) - operations == set(), "a rule for an API route that no longer exists"
    # A route kept out of the OpenAPI document would escape the matrix: every URL pattern must be in it.
    assert routed_paths() <= {path for _method, path in operations}


class World:
    """Organisation A (a CCAS) with a token of each kind, organisation B with a token holding every scope."""

    def __init__(self):
        self.organisation_a = AssociationFactory(kind=OrganisationKind.COMMUNE, name="CCAS de Toul")
        self.organisation_b = AssociationFactory(kind=OrganisationKind.COMMUNE, name="CCAS de Lunéville")
        self.tokens = {
            f"a:{scope}": ApiTokenFactory(organisation=self.organisation_a, scopes=[scope]) for scope in Scope.values
        }
        self.tokens["a:revoked"] = ApiTokenFactory(organisation=self.organisation_a, revoked=True)
        self.tokens["b:all"] = ApiTokenFactory(organisation=self.organisation_b)
        self.filed_by_a = HelpRequestFactory(
            source=Source.PARTNER, filed_by=self.organisation_a, requester_name="Germaine Déposée",
            address="12 rue du Partenaire", requester_phone="+33612345678", description="Sonner au 61 23 45 67.",
        )  # fmt: skip


CALLERS = ["none", "unknown", "a:revoked", *(f"a:{scope}" for scope in Scope.values), "b:all"]


def call(client, world, caller, method, path, body):
    headers = {}
    if caller == "unknown":
        headers["Authorization"] = "Bearer e54_inconnu0000000000000000000000000000000"
    elif caller != "none":
        headers = bearer(world.tokens[caller])
    if method in ("GET", "DELETE"):
        return client.generic(method, path, headers=headers)
    # generic() sends its data as given: a dict must be written as JSON here, or every body is a 400.
    return client.generic(method, path, data=json.dumps(body), content_type="application/json", headers=headers)


def has_access(rule: ApiRule, caller: str) -> bool:
    if rule.public:
        return True
    if caller in ("none", "unknown", "a:revoked"):
        return False
    return rule.scope is None or caller.endswith(rule.scope) or caller == "b:all"


MATRIX = [(method, path, caller) for method, path in API_RULES for caller in CALLERS]


@pytest.mark.django_db
@pytest.mark.parametrize("method, path, caller", MATRIX, ids=[f"{m} {p} {c}" for m, p, c in MATRIX])
def test_api_access(client, method, path, caller):
    world = World()
    rule = API_RULES[(method, path)]
    url = path.format(**rule.kwargs(world))
    response = call(client, world, caller, method, url, rule.body(world))
    assert response.status_code < 500, response.content
    content = response.content.decode()
    if caller != "a:" + str(rule.scope) or not rule.own_objects:
        for secret in A_SECRETS:
            assert secret not in content, f"{caller} reads {secret!r} at {method} {url}"
    if not has_access(rule, caller):
        expected = 401 if caller in ("none", "unknown", "a:revoked") else 403
        assert response.status_code == expected, content
        assert response["Content-Type"].startswith("application/problem+json")
    elif caller == "b:all" and rule.own_objects:
        assert response.status_code == 404, content
    else:
        assert response.status_code not in (401, 403, 404), content
