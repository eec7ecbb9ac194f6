"""What the portal believes of a connection: the address only from a trusted proxy, the usual methods only."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.adapter import AccountAdapter
from core.client_ip import client_ip
from tests.accounts.factories import AgentFactory
from tests.requests_app.factories import HelpRequestFactory, valid_form_data

PROXY = "10.0.0.5"


def seen_from(peer: str, forwarded: str | None = None) -> str:
    headers = {"REMOTE_ADDR": peer} | ({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {})
    return client_ip(RequestFactory().get("/", **headers))


def test_without_a_trusted_proxy_the_address_is_the_peer_whatever_the_headers_say(settings):
    settings.BEHIND_TLS_PROXY = True  # as in the compose file: it vouches for X-Forwarded-Proto only
    settings.TRUSTED_PROXIES = []
    assert seen_from("198.51.100.9", "203.0.113.1") == "198.51.100.9"


def test_a_peer_that_is_not_a_trusted_proxy_cannot_choose_its_address(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert seen_from("198.51.100.9", "203.0.113.1") == "198.51.100.9"


def test_behind_a_trusted_proxy_the_address_is_the_one_it_appended(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert seen_from(PROXY, "203.0.113.1") == "203.0.113.1"
    # What the client wrote itself is on the left, and ignored.
    assert seen_from(PROXY, "1.2.3.4, 5.6.7.8, 203.0.113.1") == "203.0.113.1"
    assert seen_from(PROXY) == PROXY
    assert seen_from(PROXY, "") == PROXY


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8::/32"]
    assert seen_from("10.0.0.5", "1.2.3.4, 203.0.113.1, 10.1.2.3, 2001:db8::7") == "203.0.113.1"
    assert seen_from("::ffff:10.0.0.5", "[2001:db8:1::9]:443, 203.0.113.1:51234") == "203.0.113.1"
    assert seen_from("10.0.0.5", "2001:DB8:ffff::1, 2a01:e0a::42") == "2a01:e0a::42"


def test_an_entry_that_is_not_an_address_stops_the_walk_at_the_last_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert seen_from("10.0.0.5", "203.0.113.1, <script>, 10.0.0.9") == "10.0.0.9"
    assert seen_from("10.0.0.5", "unknown") == "10.0.0.5"


@pytest.mark.django_db
def test_behind_the_proxy_forged_addresses_do_not_escape_the_request_form_limit(client, settings):
    settings.BEHIND_TLS_PROXY = True
    settings.TRUSTED_PROXIES = []  # gunicorn reached directly, not through the proxy
    settings.RATE_LIMIT_REQUEST_FORM_IP = "2/h"
    statuses = [
        client.post(
            reverse("requests:new"),
            valid_form_data(requester_phone=f"06 12 34 56 7{n}", requester_email=f"p{n}@exemple.fr"),
            REMOTE_ADDR="198.51.100.9",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        ).status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]


@pytest.mark.django_db
def test_lockouts_count_the_address_behind_a_trusted_proxy(client, settings):
    """Before, axes saw only the proxy: failures from one visitor locked the account for everyone."""
    settings.TRUSTED_PROXIES = [PROXY]
    settings.AXES_FAILURE_LIMIT = 2
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "100/m/ip"}
    agent = AgentFactory(email="agent@cd54.fr")
    agent.set_password("Le-Bon-Mot-De-Passe-54")
    agent.save()
    login = reverse("account_login")

    def attempt(password, visitor):
        return client.post(
            login, {"login": "agent@cd54.fr", "password": password}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=visitor
        )

    attempt("mauvais", "203.0.113.66")
    assert attempt("mauvais", "203.0.113.66").status_code == 429
    assert attempt("Le-Bon-Mot-De-Passe-54", "198.51.100.20").status_code == 302  # the agent, from elsewhere
    assert client.session["_auth_user_id"] == str(agent.pk)


def test_allauth_counts_the_same_address(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.1")
    assert AccountAdapter(request).get_client_ip(request) == "203.0.113.1"
    settings.TRUSTED_PROXIES = []
    assert AccountAdapter(request).get_client_ip(request) == PROXY


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["TRACE", "TRACK", "CONNECT", "OPTIONS", "PUT", "DELETE", "PATCH", "PROPFIND"])
def test_methods_other_than_get_head_post_are_refused_before_any_view(client, method):
    help_request = HelpRequestFactory()
    for url in (reverse("core:home"), reverse("requests:track", args=[help_request.tracking_token])):
        response = client.generic(method, url)
        assert response.status_code == 405, url
        assert response["Allow"] == "GET, HEAD, POST"
        assert help_request.requester_name.encode() not in response.content
        assert response.content == b""


@pytest.mark.django_db
def test_get_head_and_post_still_reach_the_views(client):
    assert client.get(reverse("core:home")).status_code == 200
    assert client.head(reverse("core:home")).status_code == 200
    assert client.post(reverse("requests:new"), valid_form_data()).status_code == 302
