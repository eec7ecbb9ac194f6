import pytest

from api.models import ApiCall, ApiToken
from associations.enums import OrganisationKind
from core.models import RateLimitCounter
from requests_app.models import HelpRequest
from tests.api.factories import ApiTokenFactory, bearer, resident
from tests.resilience.conftest import free_port

pytestmark = pytest.mark.django_db

URL = "/api/v1/jeton/"


def assert_problem(response, status: int, type_: str = "") -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status
    assert problem["title"] and problem["detail"] and problem["instance"] == response.wsgi_request.path
    if type_:
        assert problem["type"] == f"urn:entraide:probleme:{type_}"
    return problem


def test_a_valid_token_says_who_it_is(client):
    token = ApiTokenFactory(name="Site de la mairie", organisation__name="CCAS de Toul", scopes=["requests:read"])
    response = client.get(URL, headers=bearer(token))
    assert response.status_code == 200
    assert response.json() == {
        "name": "Site de la mairie",
        "prefix": token.prefix,
        "scopes": ["requests:read"],
        "organisation": {"id": token.organisation_id, "name": "CCAS de Toul"},
        "created_at": response.json()["created_at"],
    }
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_without_a_token_the_answer_is_401_with_the_way_to_authenticate(client):
    problem = assert_problem(client.get(URL), 401, "jeton-invalide")
    assert "Authorization: Bearer" in problem["detail"]
    assert client.get(URL)["WWW-Authenticate"] == "Bearer"


def test_an_unknown_token_is_401_and_logs_nothing(client):
    assert_problem(client.get(URL, headers={"Authorization": "Bearer e54_nimportequoi"}), 401, "jeton-invalide")
    assert not ApiCall.objects.exists()


def test_a_revoked_token_is_401_and_the_refusal_is_logged(client):
    token = ApiTokenFactory(revoked=True)
    assert_problem(client.get(URL, headers=bearer(token)), 401, "jeton-invalide")
    call = ApiCall.objects.get()
    assert (call.token_id, call.organisation_id, call.method, call.path, call.status) == (
        token.pk,
        token.organisation_id,
        "GET",
        URL,
        401,
    )


def test_a_token_of_a_suspended_organisation_is_refused(client):
    token = ApiTokenFactory(organisation__suspended=True)
    problem = assert_problem(client.get(URL, headers=bearer(token)), 403, "structure-non-autorisee")
    assert "plus validée" in problem["detail"]


def test_only_the_digest_of_the_secret_is_stored():
    token = ApiTokenFactory()
    assert token.secret.startswith("e54_") and len(token.secret) > 40
    stored = ApiToken.objects.filter(pk=token.pk).values()[0]
    assert token.secret not in str(stored)
    assert token.secret.startswith(stored["prefix"])


def test_every_call_with_a_token_is_logged(client):
    token = ApiTokenFactory()
    client.get(URL, headers=bearer(token))
    client.get("/api/v1/nulle-part/", headers=bearer(token))  # never reaches a route: no token known, not logged
    client.put(URL, headers=bearer(token))
    assert list(ApiCall.objects.order_by("pk").values_list("method", "path", "status")) == [
        ("GET", URL, 200),
    ]


@pytest.mark.parametrize("rate", ["3/m"])
def test_a_token_over_its_rate_gets_429_with_retry_after_and_another_token_does_not(client, settings, rate):
    settings.API_RATE_LIMIT = rate
    token, other = ApiTokenFactory(), ApiTokenFactory()
    for _ in range(3):
        assert client.get(URL, headers=bearer(token)).status_code == 200
    response = client.get(URL, headers=bearer(token))
    assert_problem(response, 429, "trop-de-requetes")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert client.get(URL, headers=bearer(other)).status_code == 200
    assert ApiCall.objects.filter(token=token, status=429).count() == 1


def test_an_unknown_address_under_the_api_is_a_problem(client):
    assert_problem(client.get("/api/v1/nulle-part/"), 404)


def test_a_method_a_route_does_not_take_is_a_405_problem_with_allow(client):
    response = client.delete(URL, headers=bearer(ApiTokenFactory()))
    assert_problem(response, 405)
    assert "GET" in response["Allow"]


def test_with_redis_down_the_api_answers_and_still_counts_each_token_in_the_database(client, settings):
    """core.ratelimit moves its counters to PostgreSQL while Redis is unreachable: the API neither stops answering
    nor stops counting."""
    settings.API_RATE_LIMIT = "3/m"
    settings.CACHES = {
        **settings.CACHES,
        "counters": {**settings.CACHES["counters"], "LOCATION": f"redis://127.0.0.1:{free_port()}/0"},
    }
    token = ApiTokenFactory()
    statuses = [client.get(URL, headers=bearer(token)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert RateLimitCounter.objects.get(key__startswith="ratelimit:api-token:").count == 4


def test_an_error_rewritten_as_a_problem_keeps_the_portals_headers(client):
    response = client.get("/api/v1/nulle-part/")
    assert "no-store" in response["Cache-Control"] and response["Content-Security-Policy"]
    assert response["Content-Type"].startswith("application/problem+json")


def test_a_post_without_the_final_slash_is_redirected_keeping_its_method_and_body(client):
    """CommonMiddleware's 301 would have the client send it again as a GET: the request would not be filed and the
    software, shown the list, would think it was."""
    token = ApiTokenFactory(organisation__kind=OrganisationKind.COMMUNE)
    response = client.post("/api/v1/demandes", resident(), content_type="application/json", headers=bearer(token))
    assert (response.status_code, response["Location"]) == (308, "/api/v1/demandes/")
    followed = client.post(
        "/api/v1/demandes", resident(), content_type="application/json", headers=bearer(token), follow=True
    )
    assert followed.status_code == 201 and HelpRequest.objects.filter(filed_by=token.organisation).count() == 1
