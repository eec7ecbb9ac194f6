"""An organisation registers, staff validate it, it publishes a mission, a volunteer finds it and applies, and
the organisation accepts her."""

import re
from datetime import timedelta

from django.utils import timezone

from associations.enums import AssociationStatus, MissionStatus
from associations.models import Application, Association, Mission
from tests.accounts.factories import AgentFactory, UserFactory
from tests.e2e.browser import at, check_accessibility, finish
from tests.e2e.test_volunteer import sign_in


def test_an_association_registers_is_validated_publishes_a_mission_and_accepts_a_volunteer(pages):
    founder = UserFactory(email="presidente@epicerie-toul.fr")
    page = pages.open("/associations/inscription/")
    sign_in(page, founder.email)
    page.wait_for_url(at("/associations/inscription/"))
    check_accessibility(page, "e-1-register")
    page.locator("label", has_text=re.compile(r"^\s*Association\s*$")).click()
    page.locator("#id_name").fill("Épicerie solidaire de Toul")
    page.locator("#id_rna").fill("W543001234")
    page.locator("#id_address").fill("3 rue Gambetta")
    page.locator("#id_commune").fill("Toul")
    page.locator("label", has_text="Aide alimentaire et d'urgence").click()
    page.locator("#id_communes_text").fill("Toul, Écrouves")
    page.locator("#id_description").fill("Colis alimentaires et courses pour les aînés.")
    page.locator("#id_contact_email").fill("contact@epicerie-toul.fr")
    page.get_by_role("button", name="Envoyer l'inscription").click()
    page.wait_for_url(at(r"/associations/\d+/"))
    association = Association.objects.get()
    assert association.status == AssociationStatus.PENDING
    check_accessibility(page, "e-2-space-pending")

    admin = pages.open("/admin/associations/association/")
    sign_in(admin, AgentFactory().email)
    admin.wait_for_url(at("/admin/associations/association/"))
    check_accessibility(admin, "e-3-admin-associations")
    admin.locator(f"input[name='_selected_action'][value='{association.pk}']").check()
    admin.locator("select[name='action']").select_option("validate")
    admin.locator("button[name='index']").click()
    admin.wait_for_load_state()
    association.refresh_from_db()
    assert association.status == AssociationStatus.VALIDATED

    page.get_by_role("link", name="Nouvelle mission").click()
    check_accessibility(page, "e-4-mission-form")
    page.locator("#id_title").fill("Préparer les colis du samedi")
    page.locator("#id_domain").select_option("food_emergency")
    page.locator("#id_description").fill("Trier les dons et préparer les colis, deux heures le samedi matin.")
    page.locator("#id_commune").fill("Toul")
    page.locator("#id_start_date").fill((timezone.localdate() + timedelta(days=2)).isoformat())
    page.locator("#id_end_date").fill((timezone.localdate() + timedelta(days=30)).isoformat())
    page.locator("#id_volunteers_needed").fill("2")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_url(at(f"/associations/{association.pk}/"))
    page.get_by_role("button", name="Publier", exact=True).click()
    page.wait_for_load_state()
    mission = Mission.objects.get()
    assert mission.status == MissionStatus.PUBLISHED
    check_accessibility(page, "e-5-space-published")

    volunteer = UserFactory(email="marc@exemple.fr", first_name="Marc", last_name="Colin")
    visitor = pages.open("/missions/")
    check_accessibility(visitor, "e-6-missions")
    visitor.locator("#id_domain").select_option("food_emergency")
    visitor.locator("#id_commune").fill("Toul")
    visitor.locator("#id_commune").press("Enter")
    visitor.wait_for_url(at("/missions/", "domain="))
    visitor.get_by_role("link", name="Préparer les colis du samedi").click()
    visitor.wait_for_url(at(f"/missions/{mission.pk}/"))
    check_accessibility(visitor, "e-7-mission-detail")
    visitor.get_by_role("link", name="Se connecter pour candidater").click()
    sign_in(visitor, volunteer.email)
    visitor.wait_for_url(at(f"/missions/{mission.pk}/"))
    visitor.get_by_label(re.compile("message", re.IGNORECASE)).fill("Disponible tous les samedis.")
    visitor.get_by_role("button", name="Envoyer ma candidature").click()
    visitor.wait_for_load_state()
    assert Application.objects.get().status == "pending"
    finish(visitor, "e-8-applied")

    page.goto(f"/associations/{association.pk}/candidatures/")
    assert "Disponible tous les samedis." in page.content()
    check_accessibility(page, "e-9-applications")
    page.get_by_role("button", name="Accepter", exact=True).click()
    page.wait_for_load_state()
    assert Application.objects.get().status == "accepted"
    finish(page, "e-10-application-accepted")
    visitor.goto(f"/missions/{mission.pk}/")
    assert "1 sur 2 recherchés" in visitor.content()
    finish(visitor, "e-11-mission-accepted")
