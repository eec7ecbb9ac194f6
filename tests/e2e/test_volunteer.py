"""A person signs up as a volunteer and fills her profile; staff triage a phone request in the admin and the
matching proposes it to her; she accepts it, sees whom to help, and reports it done."""

import re
from urllib.parse import urlsplit

from django.core import mail

from core.models import Commune
from matching.enums import ProposalStatus
from matching.models import Proposal
from requests_app.enums import Source, Status
from requests_app.models import HelpRequest
from tests.accounts.factories import PASSWORD, AgentFactory
from tests.e2e.browser import at, check_accessibility, finish
from tests.requests_app.factories import HelpRequestFactory

EMAIL = "lucie.martin@exemple.fr"


def sign_in(page, email: str) -> None:
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_load_state()


def sign_up_and_fill_the_profile(pages):
    page = pages.open("/comptes/signup/?next=/benevoles/profil/")
    check_accessibility(page, "d-1-signup")
    page.locator("#id_email").fill(EMAIL)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Création de compte").click()
    page.wait_for_load_state()
    check_accessibility(page, "d-2-verification-sent")

    (message,) = mail.outbox
    link = re.search(r"https?://\S+/comptes/confirm-email/\S+/", message.body).group(0)
    page.goto(urlsplit(link).path)  # the email's link, on the live server (emails say https in production)
    check_accessibility(page, "d-3-confirm-email")
    page.get_by_role("button", name=re.compile("Confirmer", re.IGNORECASE)).click()
    page.wait_for_load_state()
    if "/comptes/login/" in page.url:
        sign_in(page, EMAIL)
    page.goto("/benevoles/profil/")
    check_accessibility(page, "d-4-profile-empty")

    page.locator("#id_first_name").fill("Lucie")
    page.locator("#id_last_name").fill("Martin")
    page.locator("#id_phone").fill("06 12 34 56 78")
    page.locator("#id_home_commune").fill("Toul")
    page.locator("label", has_text="Dans mon intercommunalité").click()
    page.locator("label", has_text="Solidarité de proximité").click()
    page.locator("label", has_text="Lien avec les personnes fragiles isolées").click()
    for day in range(7):  # every afternoon
        page.locator(f"label[for='id_slots_{day * 3 + 1}']").click()
    page.locator("label", has_text="J'atteste avoir 18 ans ou plus").click()
    page.locator("label", has_text="J'atteste n'avoir aucun symptôme").click()
    page.locator("label[for='id_charter']").click(position={"x": 4, "y": 8})  # on its words, not its link
    page.get_by_role("button", name="Enregistrer mon profil").click()
    page.wait_for_load_state()
    assert page.locator(".alert-danger, .entraide-error-summary").count() == 0, page.content()[:3000]
    page.goto("/benevoles/")
    check_accessibility(page, "d-5-dashboard-empty")
    return page


def test_staff_triage_a_phone_request_the_matching_proposes_it_to_a_new_volunteer_who_helps(pages):
    volunteer = sign_up_and_fill_the_profile(pages)

    help_request = HelpRequestFactory(
        source=Source.PHONE,
        beneficiary_name="Paulette Petit",
        address="12 rue des Lilas",
        commune=Commune.objects.get(name="Toul"),
    )
    agent = AgentFactory()
    admin = pages.open("/admin/requests_app/helprequest/")
    sign_in(admin, agent.email)
    admin.wait_for_url(at("/admin/requests_app/helprequest/"))
    check_accessibility(admin, "c-1-triage-queue")
    admin.locator(f"input[name='_selected_action'][value='{help_request.pk}']").check()
    admin.locator("select[name='action']").select_option("triage")
    admin.locator("button[name='index']").click()
    admin.wait_for_load_state()
    assert admin.locator(".messagelist .success").count() == 1, admin.locator(".messagelist").inner_text()
    proposal = Proposal.objects.get(help_request=help_request)
    assert proposal.volunteer.user.email == EMAIL
    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.PROPOSED
    admin.goto(f"/admin/requests_app/helprequest/{help_request.pk}/change/")
    finish(admin, "c-2-request-proposed")

    volunteer.goto("/benevoles/")
    volunteer.get_by_role("link", name=re.compile("Courses")).first.click()
    volunteer.wait_for_url(at(f"/benevoles/propositions/{proposal.pk}/"))
    assert "Paulette Petit" not in volunteer.content()  # not before she accepts
    check_accessibility(volunteer, "d-6-proposal")
    volunteer.get_by_role("button", name="J'accepte d'aider").click()
    volunteer.wait_for_load_state()
    assert "Paulette Petit" in volunteer.content() and "12 rue des Lilas" in volunteer.content()
    check_accessibility(volunteer, "d-7-proposal-accepted")
    volunteer.get_by_label("Compte rendu").fill("Courses livrées, tout va bien.")
    volunteer.get_by_role("button", name="Terminer et envoyer le compte rendu").click()
    volunteer.wait_for_load_state()
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.DONE
    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.DONE
    finish(volunteer, "d-8-done")
