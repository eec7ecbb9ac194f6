"""Abuse resistance: rate limits on the public form and on accounts, the honeypot, login lockout."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from requests_app.models import HelpRequest
from tests.accounts.factories import AgentFactory
from tests.requests_app.factories import valid_form_data

pytestmark = pytest.mark.django_db

NEW = "/demandes/nouvelle/"


def post(client, ip="203.0.113.7", **overrides):
    return client.post(NEW, valid_form_data(**overrides), REMOTE_ADDR=ip)


def test_the_public_form_refuses_the_nth_post_from_one_address_then_the_counter_resets(client, settings):
    settings.RATE_LIMIT_REQUEST_FORM_IP = "3/h"
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    with time_machine.travel(start, tick=False):
        for n in range(3):
            assert post(client, requester_phone=f"06 12 34 56 7{n}").status_code == 302
        refused = post(client, requester_phone="06 12 34 56 79", requester_name="Quatrième Essai")
        assert post(client, ip="198.51.100.1", requester_phone="06 11 11 11 11").status_code == 302  # another address

    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Trop de demandes ont été envoyées" in page
    assert 'href="tel:+33383945454">03 83 94 54 54</a>' in page  # whoever is refused here can tap to call
    assert 'value="Quatrième Essai"' in page  # nothing typed is lost
    assert HelpRequest.objects.count() == 4  # nothing stored for the refused one
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        assert post(client, requester_phone="06 12 34 56 79").status_code == 302


def test_the_public_form_limits_requests_for_one_phone_number_whatever_the_address(client, settings):
    settings.RATE_LIMIT_REQUEST_FORM_CONTACT = "2/d"
    assert post(client, ip="203.0.113.1").status_code == 302
    assert post(client, ip="203.0.113.2").status_code == 302
    refused = post(client, ip="203.0.113.3")
    assert refused.status_code == 429
    assert HelpRequest.objects.count() == 2
    other = {"requester_phone": "06 98 76 54 32", "requester_email": "autre@exemple.fr"}
    assert post(client, ip="203.0.113.3", **other).status_code == 302


def test_the_email_is_counted_apart_from_the_phone_so_nobody_floods_another_s_mailbox(client, settings):
    settings.RATE_LIMIT_REQUEST_FORM_CONTACT = "2/d"
    assert post(client, requester_phone="06 11 11 11 11", requester_email="victime@exemple.fr").status_code == 302
    assert post(client, requester_phone="06 22 22 22 22", requester_email="Victime@Exemple.fr").status_code == 302
    refused = post(client, requester_phone="06 33 33 33 33", requester_email="VICTIME@exemple.fr")
    assert refused.status_code == 429
    assert HelpRequest.objects.count() == 2


def test_a_filled_honeypot_stores_nothing_says_so_in_french_and_is_emptied(client):
    response = post(client, site_web="http://spam.example")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Votre demande n&#x27;a pas pu être envoyée" in page
    assert "spam.example" not in page  # a browser's mistaken autofill does not block the next try
    assert 'value="Monique Petit"' in page
    assert not HelpRequest.objects.exists()


def test_the_honeypot_is_out_of_sight_and_out_of_the_tab_order(client):
    page = client.get(NEW).content.decode()
    assert '<div class="entraide-honeypot" aria-hidden="true">' in page
    assert 'name="site_web"' in page and 'tabindex="-1"' in page


def test_sign_up_is_rate_limited_per_address(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/h/ip"}
    for n in range(2):
        client.post(
            reverse("account_signup"),
            {
                "email": f"p{n}@exemple.fr",
                "password1": "UnMotDePasse-Solide-54",
                "password2": "UnMotDePasse-Solide-54",
            },
        )
        client.logout()
    response = client.post(
        reverse("account_signup"),
        {"email": "p3@exemple.fr", "password1": "UnMotDePasse-Solide-54", "password2": "UnMotDePasse-Solide-54"},
    )
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()


def test_repeated_failed_logins_lock_the_account_from_that_address(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "100/m/ip"}
    agent = AgentFactory(email="agent@cd54.fr")
    agent.set_password("Le-Bon-Mot-De-Passe-54")
    agent.save()
    login = reverse("account_login")

    for _attempt in range(2):
        assert client.post(login, {"login": "agent@cd54.fr", "password": "mauvais"}).status_code == 200
    assert client.post(login, {"login": "agent@cd54.fr", "password": "mauvais"}).status_code == 429  # the third
    locked = client.post(login, {"login": "agent@cd54.fr", "password": "Le-Bon-Mot-De-Passe-54"})

    assert locked.status_code == 429
    assert "Trop de tentatives" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # The admin's login is the same allauth page: it is locked too.
    assert client.get(reverse("admin:index")).status_code == 302


def test_passwords_must_be_long_and_not_common(client):
    response = client.post(
        reverse("account_signup"), {"email": "p@exemple.fr", "password1": "password", "password2": "password"}
    )
    assert response.status_code == 200
    assert "trop court" in response.content.decode() or "trop courant" in response.content.decode()
