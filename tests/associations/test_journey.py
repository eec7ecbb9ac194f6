"""The association journey of the issue, as a new user would live it, through the portal's own pages."""

import pytest
from django.urls import reverse

from associations.enums import AssociationStatus, MissionStatus
from associations.models import Application, Association, Mission
from tests.accounts.factories import UserFactory
from tests.associations.test_missions import mission_data
from tests.associations.test_registration import valid_data

pytestmark = pytest.mark.django_db


def test_register_get_validated_publish_be_found_receive_an_application_accept_it(client, admin_client):
    founder = UserFactory()
    client.force_login(founder)
    client.post("/associations/inscription/", valid_data(name="Épicerie solidaire de Toul"))
    association = Association.objects.get()
    space = reverse("associations:space", args=[association.pk])
    assert "En attente de validation" in client.get(space).content.decode()

    client.post(reverse("associations:mission_new", args=[association.pk]), mission_data(domain="food_emergency"))
    mission = Mission.objects.get()
    client.post(reverse("associations:mission_action", args=[association.pk, mission.pk, "publier"]))
    assert Mission.objects.get().status == MissionStatus.DRAFT  # not before validation

    admin_client.post(
        reverse("admin:associations_association_changelist"),
        {"action": "validate", "_selected_action": [association.pk], "index": 0},
    )
    assert Association.objects.get().status == AssociationStatus.VALIDATED
    client.post(reverse("associations:mission_action", args=[association.pk, mission.pk, "publier"]))

    found = client.get("/missions/", {"domain": "food_emergency", "commune": "Toul"}).context["page"]
    assert [m.pk for m in found] == [mission.pk]

    volunteer = UserFactory()
    client.force_login(volunteer)
    client.post(reverse("missions:apply", args=[mission.pk]), {"message": "J'ai une voiture."})

    client.force_login(founder)
    applications_page = client.get(reverse("associations:applications", args=[association.pk])).content.decode()
    assert "J'ai une voiture." in applications_page.replace("&#x27;", "'")
    application = Application.objects.get()
    client.post(reverse("associations:application_decision", args=[association.pk, application.pk, "accepter"]))
    assert Application.objects.get().status == "accepted"
    assert "1 sur 3 recherchés" in client.get(f"/missions/{mission.pk}/").content.decode()
