"""Applying to a mission of a help type that asks a vetting level, an age, or help in person (the protective rule):
refused with what is missing and a link to the profile's checks, accepted once vetted."""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from associations.models import Application
from associations.services import AssociationError, application_decide
from core.enums import Domain
from core.models import HelpType
from tests.accounts.factories import UserFactory
from tests.associations.factories import AssociationFactory, MissionFactory, member_of
from tests.associations.test_missions import mission_data
from tests.core.factories import HelpTypeFactory
from tests.volunteers.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db


def readable(response) -> str:
    """The page's text as read: tags dropped, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(response.content.decode())).split()).replace(" .", ".")


def apply(client, mission):
    response = client.post(reverse("missions:apply", args=[mission.pk]), {"message": "Disponible."}, follow=True)
    return html.unescape(response.content.decode())


def childcare_mission(**fields):
    return MissionFactory(domain=Domain.CHILDCARE, help_type=HelpType.objects.get(code="childcare"), **fields)


def test_a_childcare_mission_says_what_it_asks_and_refuses_an_unvetted_volunteer_with_the_way_forward(client):
    mission = childcare_mission()
    volunteer = VolunteerProfileFactory()
    client.force_login(volunteer.user)

    page = readable(client.get(reverse("missions:detail", args=[mission.pk])))
    assert "Cette mission demande : justificatif vérifié (extrait de casier judiciaire)." in page

    page = apply(client, mission)
    assert "Vous ne pouvez pas encore candidater à cette mission." in page
    assert (
        "« Garde d'enfants » demande : justificatif vérifié (extrait de casier judiciaire), encore valable "
        "aujourd'hui." in page
    )
    assert 'href="/benevoles/profil/#verifications"' in page
    assert not Application.objects.exists()

    volunteer.document_checked_until = timezone.localdate() + timedelta(days=200)
    volunteer.save(update_fields=["document_checked_until"])  # as volunteers/vetting.py keeps it
    assert "Votre candidature est envoyée" in apply(client, mission)
    assert Application.objects.get().volunteer == volunteer.user


def test_an_expired_document_ends_the_right_to_apply():
    volunteer = VolunteerProfileFactory(document_checked_until=timezone.localdate() - timedelta(days=1))
    from portal.missions import application_refusals

    assert application_refusals(mission=childcare_mission(), user=volunteer.user)


def test_someone_without_a_volunteer_profile_may_not_apply_to_a_vetted_mission(client):
    client.force_login(UserFactory())
    assert "profil de bénévole vérifié" in apply(client, childcare_mission())
    assert not Application.objects.exists()


def test_a_protected_volunteer_may_apply_to_a_remote_mission_only_unless_staff_lifted_the_rule(client):
    shopping = HelpType.objects.get(code="shopping")
    in_person = MissionFactory(domain=Domain.LOCAL_SOLIDARITY, help_type=shopping)
    remote = MissionFactory(domain=Domain.LOCAL_SOLIDARITY, help_type=shopping, is_remote=True, commune=None)
    senior = VolunteerProfileFactory(birth_year=timezone.localdate().year - 78)
    client.force_login(senior.user)

    assert "seule l'aide à distance" in apply(client, in_person)
    assert "Votre candidature est envoyée" in apply(client, remote)

    senior.lift_protection(by=UserFactory(staff=True), reason="Souhaite aider, médecin d'accord")
    assert "Votre candidature est envoyée" in apply(client, in_person)
    assert Application.objects.count() == 2


def test_a_mission_without_a_help_type_asks_nothing_more(client):
    client.force_login(VolunteerProfileFactory(health_risk=True).user)
    assert "Votre candidature est envoyée" in apply(client, MissionFactory())


def test_a_minimum_age_is_checked_on_the_birth_year(client):
    kind = HelpTypeFactory(code="accompagnement", domain=Domain.LOCAL_SOLIDARITY, minimum_age=25, remote_ok=True)
    mission = MissionFactory(domain=Domain.LOCAL_SOLIDARITY, help_type=kind)
    young = VolunteerProfileFactory(birth_year=timezone.localdate().year - 20)
    client.force_login(young.user)
    assert "demande d'avoir 25 ans ou plus" in apply(client, mission)
    assert "Cette mission demande : 25 ans ou plus." in readable(
        client.get(reverse("missions:detail", args=[mission.pk]))
    )


def test_the_organisation_chooses_a_help_type_of_the_mission_s_domain(client):
    association = AssociationFactory(domains=15)
    member_of(association, client)
    childcare = HelpType.objects.get(code="childcare")
    response = client.post(
        reverse("associations:mission_new", args=[association.pk]), mission_data(help_type=childcare.pk)
    )
    assert response.status_code == 400
    assert "relève du domaine « Garde exceptionnelle d'enfants »" in html.unescape(response.content.decode())

    client.post(
        reverse("associations:mission_new", args=[association.pk]),
        mission_data(domain=Domain.CHILDCARE, help_type=childcare.pk),
    )
    assert association.missions.get().help_type == childcare


def test_the_organisation_cannot_accept_a_volunteer_whose_check_ended_after_she_applied():
    """She applied while her extract held; it expired (or staff took it back) before the organisation answered."""
    mission = childcare_mission()
    volunteer = VolunteerProfileFactory(document_checked_until=timezone.localdate() + timedelta(days=30))
    application = Application.objects.create(mission=mission, volunteer=volunteer.user)
    volunteer.document_checked_until = timezone.localdate() - timedelta(days=1)
    volunteer.save(update_fields=["document_checked_until"])

    with pytest.raises(AssociationError, match="justificatif vérifié"):
        application_decide(application=application, accept=True, by=member_of(mission.association))
    application.refresh_from_db()
    assert application.status == "pending"
    # Declining stays possible, and so does accepting once she is checked again.
    volunteer.document_checked_until = timezone.localdate() + timedelta(days=60)
    volunteer.save(update_fields=["document_checked_until"])
    assert application_decide(application=application, accept=True, by=member_of(mission.association)).status == (
        "accepted"
    )
