"""Headers every page carries, no inline script anywhere, and two-factor authentication for staff."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.urls import reverse

from tests.accounts.factories import AgentFactory
from tests.associations.factories import MissionFactory

pytestmark = pytest.mark.django_db


def test_pages_carry_a_strict_content_security_policy_and_the_other_security_headers(client):
    response = client.get(reverse("core:home"))
    policy = dict(
        directive.strip().split(" ", 1) for directive in response["Content-Security-Policy"].split(";") if directive
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_only_the_admin_lets_inline_styles_through_for_its_bundled_scripts(client, staff):
    admin_policy = client.get(reverse("admin:index"))["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in admin_policy
    assert "script-src 'self';" in admin_policy + ";"
    assert "unsafe-inline" not in client.get(reverse("core:home"))["Content-Security-Policy"]


def test_no_page_holds_an_inline_script_a_style_attribute_or_an_event_handler(client, staff):
    mission = MissionFactory()
    pages = [
        reverse("core:home"), reverse("requests:new"), reverse("missions:list"),
        reverse("missions:detail", args=[mission.pk]), reverse("associations:directory"), reverse("core:privacy"),
        reverse("requests:intake"), reverse("pilotage:dashboard"), reverse("core:my_space"),
    ]  # fmt: skip
    for url in pages:
        page = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url
        assert not re.search(r"\sstyle=\"", page), url
        assert not re.search(r"\son(click|load|change|submit)=", page), url


def test_session_and_csrf_cookies_are_http_only_and_sessions_end_with_the_browser(settings):
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600


def current_code(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def test_staff_can_turn_on_two_factor_authentication_and_then_need_the_code_to_sign_in(client):
    agent = AgentFactory(email="agent@cd54.fr")
    agent.set_password("Le-Bon-Mot-De-Passe-54")
    agent.save()
    client.post(reverse("account_login"), {"login": "agent@cd54.fr", "password": "Le-Bon-Mot-De-Passe-54"})
    assert "Double authentification" in client.get(reverse("admin:index")).content.decode()

    # Changing how one signs in asks for the password again.
    assert client.get(reverse("mfa_activate_totp"))["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": "Le-Bon-Mot-De-Passe-54"})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert Authenticator.objects.filter(user=agent, type=Authenticator.Type.TOTP).exists()

    client.logout()
    response = client.post(reverse("account_login"), {"login": "agent@cd54.fr", "password": "Le-Bon-Mot-De-Passe-54"})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert client.session["_auth_user_id"] == str(agent.pk)
    assert client.get(reverse("admin:index")).status_code == 200
