"""HEAD is answered wherever GET is (RFC 9110): the same status and headers, no body."""

import pytest
from django.core.handlers.base import BaseHandler
from django.test import RequestFactory

from api.models import ApiCall
from tests.api.factories import ApiTokenFactory, bearer
from tests.associations.factories import MissionFactory

pytestmark = pytest.mark.django_db

MISSIONS = "/api/v1/public/missions/"
SAME_HEADERS = ("Content-Type", "Content-Length", "ETag", "Cache-Control", "Access-Control-Allow-Origin")


def without_the_test_clients_help(request):
    """The answer as a WSGI server gets it: Django's test client drops a HEAD's body itself, which would hide a body
    the portal sends."""
    handler = BaseHandler()
    handler.load_middleware()
    return handler.get_response(request)


@pytest.mark.parametrize("url", [MISSIONS, "/api/v1/public/structures/", "detail"])
def test_head_on_open_data_has_the_gets_status_and_headers_and_no_body(client, url):
    mission = MissionFactory()
    url = f"{MISSIONS}{mission.pk}/" if url == "detail" else url
    get = client.get(url)
    head = without_the_test_clients_help(RequestFactory().head(url))
    assert (get.status_code, head.status_code) == (200, 200)
    assert get.content and head.content == b""
    assert {name: head.get(name) for name in SAME_HEADERS} == {name: get.get(name) for name in SAME_HEADERS}


def test_head_with_the_etag_of_a_current_copy_is_a_304(client):
    MissionFactory()
    etag = client.get(MISSIONS)["ETag"]
    assert client.head(MISSIONS, headers={"If-None-Match": etag}).status_code == 304


def test_head_on_a_route_that_takes_a_token_checks_it_counts_it_and_logs_it_as_head(client, settings):
    settings.API_RATE_LIMIT = "2/m"
    token = ApiTokenFactory()
    without_token = client.head("/api/v1/jeton/")
    assert without_token.status_code == 401 and without_token["WWW-Authenticate"] == "Bearer"
    assert without_token["Content-Type"].startswith("application/problem+json")

    assert client.head("/api/v1/jeton/", headers=bearer(token)).status_code == 200
    assert client.get("/api/v1/jeton/", headers=bearer(token)).status_code == 200
    assert client.head("/api/v1/jeton/", headers=bearer(token)).status_code == 429  # HEADs count in the rate
    assert list(ApiCall.objects.order_by("pk").values_list("method", "status")) == [
        ("HEAD", 200),
        ("GET", 200),
        ("HEAD", 429),
    ]


def test_head_on_a_route_that_takes_only_post_is_still_a_405_problem(client):
    token = ApiTokenFactory()
    mission = MissionFactory(association=token.organisation)
    response = client.head(f"/api/v1/missions/{mission.pk}/clore/", headers=bearer(token))
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert response["Content-Type"].startswith("application/problem+json")
