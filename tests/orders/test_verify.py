"""/verifier/<code>/: what anyone holding the paper learns — the first name, the issuer, the validity and whether it
is valid, expired or revoked — and nothing else."""

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.services import proposal_hand_back
from orders.models import MissionOrder
from tests.orders.factories import proposal_order

pytestmark = pytest.mark.django_db

ADDRESS = "12 rue des Lilas"


@pytest.fixture
def order():
    return proposal_order(address=ADDRESS, beneficiary_name="Paulette Petit")


def check(client, code: str):
    response = client.get(reverse("orders:verify", args=[code]))
    return response, html.unescape(response.content.decode())


def test_a_valid_order_says_valide_with_the_first_name_issuer_and_dates_only(client, order, settings):
    response, content = check(client, order.code)
    assert response.status_code == 200
    assert "VALIDE" in content and "RÉVOQUÉ" not in content and "EXPIRÉ" not in content
    assert "Camille" in content and settings.OPERATOR_NAME in content
    assert timezone.localdate().strftime("%Y") in content
    for secret in ("Martin", ADDRESS, "Paulette", order.proposal.help_request.reference):
        assert secret not in content
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in content
    assert "no-store" in response["Cache-Control"]


def test_an_expired_order_says_expire(client, order):
    today = timezone.localdate()
    MissionOrder.objects.filter(pk=order.pk).update(
        valid_from=today - timedelta(days=20), valid_until=today - timedelta(days=6)
    )
    response, content = check(client, order.code)
    assert response.status_code == 200
    assert "EXPIRÉ" in content and "VALIDE" not in content


def test_a_revoked_order_says_revoque(client, order):
    proposal_hand_back(proposal=order.proposal, note="Empêchée.")
    response, content = check(client, order.code)
    assert response.status_code == 200
    assert "RÉVOQUÉ" in content and "VALIDE" not in content


@pytest.mark.parametrize("code", ["0123456789", "ABC", "<script>", "ZZZZZZZZZZZZZZZZZZZZ"])
def test_an_unknown_code_is_a_404_that_says_so_and_whom_to_call(client, order, code, settings):
    response, content = check(client, code)
    assert response.status_code == 404
    assert "CODE INCONNU" in content
    assert settings.HOTLINE_PHONE.replace(" ", "") in content.replace(" ", "").replace("\u00a0", "")
    assert "Camille" not in content


def test_a_code_typed_in_lower_case_with_lookalike_letters_is_found(client):
    order = proposal_order()
    MissionOrder.objects.filter(pk=order.pk).update(code="10A0B0C0D0")
    response, content = check(client, "loaob0c-od0")
    assert response.status_code == 200 and "VALIDE" in content


def test_an_address_trying_many_codes_is_stopped(client, order, settings):
    settings.RATE_LIMIT_MISSION_ORDER_CHECK = "2/h"
    assert check(client, "0123456789")[0].status_code == 404
    assert check(client, order.code)[0].status_code == 200
    assert check(client, order.code)[0].status_code == 429
