"""A volunteer for exceptional childcare sends her criminal-record extract from her profile; the childcare request a
carer filed is not proposed to her while the extract waits; staff approve it in the admin and the matching proposes
her the request; she reads the health rules, accepts them, prints her mission order, and anyone who scans its code
reads that it is valid, with her first name only.

She is created with the factories: the sign-up and the profile form are test_volunteer.py's journey."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.utils import timezone

from core.enums import Domain, domains_to_mask
from core.models import HelpType
from matching.enums import ProposalStatus
from matching.models import Proposal
from orders.models import MissionOrder
from requests_app.enums import CarerStatus, Status
from tests.accounts.factories import AgentFactory, UserFactory
from tests.crisis.factories import HealthRulesFactory
from tests.e2e.browser import at, check_accessibility, finish
from tests.e2e.conftest import PHONE
from tests.e2e.test_volunteer import sign_in
from tests.requests_app.factories import HelpRequestFactory
from tests.volunteers.factories import PDF, VolunteerProfileFactory
from volunteers.enums import DocumentKind, DocumentStatus
from volunteers.models import VettingDocument

EMAIL = "ines.lambert@exemple.fr"
RULES = "Masque porté pendant toute la garde.\nMains lavées en arrivant et en partant."


def send_the_extract(page) -> None:
    page.goto("/benevoles/profil/#verifications")
    section = page.locator("#verifications")
    assert "à fournir : Extrait de casier judiciaire (bulletin n° 3)" in section.inner_text()
    check_accessibility(page, "g-1-profile-to-send")
    section.get_by_role("link", name="Envoyer un document").click()
    page.wait_for_url(at("/benevoles/verifications/envoyer/"))
    finish(page, "g-2-upload")
    page.get_by_label("Extrait de casier judiciaire (bulletin n° 3)").check()
    issued_on = timezone.localdate() - timedelta(days=5)
    page.get_by_label("Date du document").fill(issued_on.isoformat())
    page.get_by_label("Le document (scan ou photo)").set_input_files(
        {"name": "bulletin-3.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Envoyer le document").click()
    page.wait_for_url(at("/benevoles/profil/"))
    assert "Document reçu" in page.locator(".alert-success").inner_text()
    assert "en attente de vérification par le département" in page.locator("#verifications").inner_text()
    finish(page, "g-3-profile-waiting")


def test_a_vetted_childcare_volunteer_is_proposed_a_childcare_request_and_prints_her_mission_order(pages):
    rules = HealthRulesFactory(text=RULES, summary="Masque et mains lavées")
    user = UserFactory(email=EMAIL, first_name="Inès", last_name="Lambert")
    volunteer = VolunteerProfileFactory(user=user, domains=domains_to_mask([Domain.CHILDCARE]))
    childcare = HelpType.objects.get(code="childcare")
    help_request = HelpRequestFactory(
        triaged=True,
        help_type=childcare,
        carer_status=CarerStatus.CARER,
        requester_name="Sophie Girard",
        address="3 rue Saint-Dizier",
        description="Garde de mes deux enfants pendant mes gardes à l'hôpital.",
    )

    page = pages.open("/comptes/login/?next=/benevoles/profil/", **PHONE)  # she does it all on her phone
    sign_in(page, EMAIL)
    page.wait_for_url(at("/benevoles/profil/"))
    send_the_extract(page)
    document = VettingDocument.objects.get(volunteer=volunteer)
    assert (document.kind, document.status) == (DocumentKind.CRIMINAL_RECORD, DocumentStatus.PENDING)
    with document.file.open("rb") as stored:
        assert stored.read() == PDF

    # Staff confirm the carer while the extract waits: the matching runs, and finds nobody to offer it to.
    agent = AgentFactory(first_name="Karim", last_name="Agent")
    admin = pages.open(f"/admin/requests_app/helprequest/{help_request.pk}/change/")
    sign_in(admin, agent.email)
    admin.wait_for_url(at(f"/admin/requests_app/helprequest/{help_request.pk}/change/"))
    admin.get_by_role("button", name="Qualité vérifiée : confirmer").click()
    admin.wait_for_load_state()
    assert "qualité du demandeur confirmée" in admin.locator(".messagelist").inner_text()
    help_request.refresh_from_db()
    assert help_request.carer_confirmed_by == agent
    assert help_request.status == Status.NEEDS_STAFF
    assert not Proposal.objects.exists()
    page.goto("/benevoles/")
    assert "Garde d'enfants" not in page.locator("main").inner_text()

    # Staff approve the extract from its admin page.
    admin.goto(f"/admin/volunteers/vettingdocument/{document.pk}/change/")
    check_accessibility(admin, "g-4-admin-document")
    admin.get_by_role("link", name="Approuver").click()
    admin.wait_for_url(at(f"/admin/volunteers/vettingdocument/{document.pk}/approuver/"))
    finish(admin, "g-5-admin-approve")
    admin.get_by_label(re.compile("J'ai comparé le nom et le prénom du document")).check()
    admin.get_by_role("button", name="Approuver le document").click()
    admin.wait_for_url(at(f"/admin/volunteers/vettingdocument/{document.pk}/change/"))
    assert "le bénévole est prévenu par courriel" in admin.locator(".messagelist").inner_text()
    document.refresh_from_db()
    volunteer.refresh_from_db()
    assert document.status == DocumentStatus.APPROVED
    assert volunteer.document_checked_until >= timezone.localdate()

    # The request, back to staff, goes to the matching again: it now offers it to her.
    admin.goto("/admin/requests_app/helprequest/")
    admin.locator(f"input[name='_selected_action'][value='{help_request.pk}']").check()
    admin.locator("select[name='action']").select_option("triage")
    admin.locator("button[name='index']").click()
    admin.wait_for_load_state()
    assert admin.locator(".messagelist .success").count() == 1, admin.locator(".messagelist").inner_text()
    proposal = Proposal.objects.get(help_request=help_request)
    assert proposal.volunteer == volunteer and proposal.status == ProposalStatus.PROPOSED

    page.goto("/benevoles/profil/#verifications")
    assert re.search(r"vérifié, valable jusqu'au \d\d/\d\d/\d{4}", page.locator("#verifications").inner_text())
    page.goto("/benevoles/")
    page.get_by_role("link", name=re.compile("Garde d'enfants")).first.click()
    page.wait_for_url(at(f"/benevoles/propositions/{proposal.pk}/"))
    rules_box = page.locator(".entraide-health-rules")
    assert f"Version {rules.version}, en vigueur depuis le" in rules_box.inner_text()
    assert "Masque porté pendant toute la garde." in rules_box.inner_text()
    assert "Sophie Girard" not in page.content() and "3 rue Saint-Dizier" not in page.content()
    finish(page, "g-6-proposal-with-rules")
    page.get_by_role("button", name="J'accepte d'aider et je respecterai ces consignes").click()
    page.wait_for_load_state()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    assert proposal.health_rules_version == rules.version
    assert "3 rue Saint-Dizier" in page.content()
    check_accessibility(page, "g-7-proposal-accepted")

    page.get_by_role("link", name="Imprimer mon ordre de mission").click()
    page.wait_for_url(at(f"/benevoles/propositions/{proposal.pk}/ordre-de-mission/"))
    order_text = page.locator(".entraide-order").inner_text()
    assert "Inès Lambert" in order_text
    assert f"Référence : {help_request.reference}" in order_text
    assert page.locator("svg.entraide-order__qr[role='img']").count() == 1
    finish(page, "g-8-mission-order")

    pdf = page.request.get(page.get_by_role("link", name="Télécharger en PDF").get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    order = MissionOrder.objects.get()
    verify_url = page.locator("a.entraide-order__link").get_attribute("href")
    assert urlsplit(verify_url).path == f"/verifier/{order.code}/"
    checker = pages.open(urlsplit(verify_url).path, **PHONE)  # whoever scans the code: no account, no cookie
    assert checker.locator("h1").inner_text().endswith("VALIDE")
    facts = checker.locator(".entraide-check__facts").inner_text()
    assert "Inès" in facts and "Lambert" not in checker.content()
    assert "3 rue Saint-Dizier" not in checker.content() and help_request.reference not in checker.content()
    finish(checker, "g-9-verify-valid")
