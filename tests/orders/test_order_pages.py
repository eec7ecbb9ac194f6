"""The volunteer's mission order: the page to print and its PDF, reached by her alone while her assignment lives,
with the address logged as on her proposal page, and a QR code that leads to the order's check."""

import html
import re
import zlib
from datetime import timedelta

import pytest
import segno
from django.urls import reverse
from django.utils import timezone

from crisis.models import HealthRules
from matching.services import proposal_hand_back
from orders.models import MissionOrder
from orders.services import mission_order_for_proposal
from requests_app.enums import AccessReason
from requests_app.models import AccessLog
from tests.orders.factories import accepted_application, accepted_proposal
from tests.volunteers.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db

ADDRESS = "12 rue des Lilas"


@pytest.fixture
def proposal(client):
    proposal = accepted_proposal(address=ADDRESS)
    client.force_login(proposal.volunteer.user)
    return proposal


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def drawn_modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules of segno's SVG path (scale 1): "M x y.5" then runs of "h n" (dark) and "m dx dy" (moves)."""
    path = re.search(r' d="([^"]+)"', svg)[1]
    dark, x, y = set(), 0.0, 0.0
    for command, first, second in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if command == "M":
            x, y = float(first), float(second)
        elif command == "m":
            x, y = x + float(first), y + float(second)
        else:
            dark.update((int(x) + i, int(y)) for i in range(int(first)))
            x += float(first)
    return dark


def expected_modules(url: str) -> set[tuple[int, int]]:
    matrix = segno.make(url, error="m", micro=False).matrix
    border = 4
    return {(col + border, row + border) for row, line in enumerate(matrix) for col, bit in enumerate(line) if bit}


def pdf_text(pdf: bytes) -> bytes:
    """The PDF's bytes with each compressed stream inflated: where its links and metadata are written."""
    inflated = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            inflated.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(inflated)


def test_the_volunteer_prints_her_order_with_what_a_check_asks_for(client, proposal, settings):
    # The version is the next one after those the migrations published: never chosen by the caller.
    rules = HealthRules.objects.create(
        effective_on=timezone.localdate(), text="Masque porté en permanence.", summary="Masque."
    )
    response = client.get(reverse("orders:proposal", args=[proposal.pk]))
    assert response.status_code == 200
    content = page_text(response)
    order = MissionOrder.objects.get(proposal=proposal)
    help_request = proposal.help_request
    assert "Camille Martin" in content
    assert help_request.reference in content
    assert ADDRESS in content and help_request.commune.name in content
    assert settings.OPERATOR_NAME in content
    assert f"version {rules.version}" in content and "Masque porté en permanence." in content
    assert f"{settings.SITE_URL}/verifier/{order.code}/" in content
    assert order.code_display in content
    assert response["Cache-Control"].startswith("max-age=0")
    # The address was shown: the view is in the access log, as on her proposal page.
    assert AccessLog.objects.filter(
        help_request=help_request, user=proposal.volunteer.user, reason=AccessReason.VOLUNTEER_ASSIGNED
    ).exists()


def test_printing_again_shows_the_same_order(client, proposal):
    client.get(reverse("orders:proposal", args=[proposal.pk]))
    client.get(reverse("orders:proposal", args=[proposal.pk]))
    assert MissionOrder.objects.filter(proposal=proposal).count() == 1


def test_the_qr_code_draws_the_order_s_check_address(client, proposal, settings):
    content = client.get(reverse("orders:proposal", args=[proposal.pk])).content.decode()
    order = MissionOrder.objects.get(proposal=proposal)
    svg = re.search(r'<svg [^>]*class="entraide-order__qr".*?</svg>', content, re.S)[0]
    url = f"{settings.SITE_URL}/verifier/{order.code}/"
    assert drawn_modules(svg) == expected_modules(url)
    assert drawn_modules(svg) != expected_modules(f"{settings.SITE_URL}/verifier/{'0' * 10}/")


def test_the_pdf_is_the_same_order(client, proposal):
    response = client.get(reverse("orders:proposal_pdf", args=[proposal.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    order = MissionOrder.objects.get(proposal=proposal)
    assert f"/verifier/{order.code}/".encode() in pdf_text(response.content)  # the printed link, clickable
    assert order.code.encode() in pdf_text(response.content)


@pytest.mark.parametrize("name", ["orders:proposal", "orders:proposal_pdf"])
def test_another_volunteer_gets_a_404_and_no_order_is_issued(client, proposal, name):
    client.force_login(VolunteerProfileFactory().user)
    assert client.get(reverse(name, args=[proposal.pk])).status_code == 404
    assert not MissionOrder.objects.exists()


def test_a_visitor_is_sent_to_sign_in(client, proposal):
    client.logout()
    response = client.get(reverse("orders:proposal", args=[proposal.pk]))
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]


def test_once_handed_back_there_is_no_order_to_print(client, proposal):
    proposal_hand_back(proposal=proposal, note="Empêchée.")
    assert client.get(reverse("orders:proposal", args=[proposal.pk])).status_code == 404


@pytest.mark.parametrize("name", ["orders:proposal", "orders:proposal_pdf"])
def test_help_ended_between_lookup_and_lock_sends_her_back_with_the_reason(client, proposal, name, monkeypatch):
    """The page found the proposal accepted; by the time the order's lock is taken it was handed back."""

    def ended_meanwhile(*, proposal):
        proposal_hand_back(proposal=proposal, note="Rendue sur un autre appareil.")
        return mission_order_for_proposal(proposal=proposal)

    monkeypatch.setattr("orders.views.mission_order_for_proposal", ended_meanwhile)
    response = client.get(reverse(name, args=[proposal.pk]), follow=True)
    assert response.redirect_chain == [(reverse("volunteers:dashboard"), 302)]
    assert "plus confiée" in html.unescape(response.content.decode())
    assert not MissionOrder.objects.exists()


def test_the_proposal_page_and_the_dashboard_link_to_the_order(client, proposal):
    url = reverse("orders:proposal", args=[proposal.pk])
    assert url in client.get(reverse("volunteers:proposal", args=[proposal.pk])).content.decode()
    assert url in client.get(reverse("volunteers:dashboard")).content.decode()


def test_an_accepted_application_has_its_order_issued_by_the_organisation(client):
    application = accepted_application(title="Distribution de colis à Toul")
    client.force_login(application.volunteer)
    VolunteerProfileFactory(user=application.volunteer)
    url = reverse("orders:application", args=[application.pk])
    assert url in client.get(reverse("volunteers:dashboard")).content.decode()
    content = page_text(client.get(url))
    assert "Distribution de colis à Toul" in content and "Restos du cœur de Toul" in content
    pdf = client.get(reverse("orders:application_pdf", args=[application.pk]))
    assert pdf.content.startswith(b"%PDF")


def test_someone_else_s_application_gets_a_404(client):
    application = accepted_application()
    client.force_login(VolunteerProfileFactory().user)
    assert client.get(reverse("orders:application", args=[application.pk])).status_code == 404


def test_an_ended_mission_has_no_order_and_says_why(client):
    today = timezone.localdate()
    application = accepted_application(start_date=today - timedelta(days=9), end_date=today - timedelta(days=2))
    VolunteerProfileFactory(user=application.volunteer)
    client.force_login(application.volunteer)
    response = client.get(reverse("orders:application", args=[application.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("volunteers:dashboard")
    assert "Cette mission est terminée" in page_text(response)
    assert not MissionOrder.objects.exists()
