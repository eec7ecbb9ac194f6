import html

import pytest
from django.urls import reverse

from associations.enums import AssociationStatus, MemberRole
from associations.models import Association
from core.enums import Domain, mask_to_domains
from tests.accounts.factories import UserFactory
from tests.associations.factories import AssociationFactory, MissionFactory

pytestmark = pytest.mark.django_db
URL = "/associations/inscription/"


def valid_data(**overrides):
    data = {
        "kind": "association",
        "name": "Les Amis du Quartier",
        "rna": "W543001234",
        "siret": "",
        "address": "3 place Stanislas",
        "commune": "Nancy",
        "domain_codes": ["food_emergency", "isolated_contact"],
        "epcis_covered": ["245400676"],
        "communes_text": "Toul, Lunéville",
        "description": "Distribution de colis et appels aux aînés.",
        "contact_email": "contact@amis.fr",
        "contact_phone": "03 83 00 00 00",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_registration_needs_an_account(client):
    assert reverse("associations:register") == URL
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_an_organisation_registers_and_stays_pending_with_its_creator_as_admin(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(URL, valid_data())

    association = Association.objects.get()
    assert response.status_code == 302 and response.url == reverse("associations:space", args=[association.pk])
    assert association.status == AssociationStatus.PENDING
    assert association.rna == "W543001234"
    assert mask_to_domains(association.domains) == [Domain.FOOD_EMERGENCY, Domain.ISOLATED_CONTACT]
    assert list(association.epcis_covered.values_list("siren", flat=True)) == ["245400676"]
    assert sorted(association.communes_covered.values_list("insee", flat=True)) == ["54329", "54528"]
    assert association.memberships.get().user == user
    assert association.memberships.get().role == MemberRole.ADMIN
    page = client.get(response.url).content.decode()
    assert "En attente de validation" in page


def test_a_siret_alone_is_enough(client):
    client.force_login(UserFactory())
    client.post(URL, valid_data(rna="", siret="732 829 320 00074", kind="home_help"))
    assert Association.objects.get().siret == "73282932000074"


BAD = [
    ({"rna": "", "siret": ""}, "rna", "Indiquez le numéro RNA ou le numéro SIRET"),
    ({"rna": "W123"}, "rna", "RNA invalide"),
    ({"rna": "", "siret": "73282932000075"}, "siret", "clé de contrôle"),
    ({"rna": "", "siret": "1234"}, "siret", "14 chiffres"),
    ({"name": ""}, "name", "Ce champ est obligatoire"),
    ({"name": "N" * 201}, "name", "au plus 200 caractères"),
    ({"commune": "Paris"}, "commune", "Commune inconnue"),
    ({"domain_codes": None}, "domain_codes", "Ce champ est obligatoire"),
    ({"domain_codes": ["cooking"]}, "domain_codes", "Sélectionnez un choix valide"),
    ({"epcis_covered": None, "communes_text": ""}, "covers_whole_departement", "Dites où vous agissez"),
    ({"communes_text": "Toul, Atlantis"}, "communes_text", "Atlantis"),
    ({"contact_email": ""}, "contact_email", "Ce champ est obligatoire"),
    ({"contact_email": "pas-une-adresse"}, "contact_email", "adresse de courriel valide"),
    ({"contact_phone": "12"}, "contact_phone", "Numéro de téléphone invalide"),
    ({"kind": "secte"}, "kind", "Sélectionnez un choix valide"),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD, ids=[b[1] + str(i) for i, b in enumerate(BAD)])
def test_bad_registration_input_is_explained_and_the_form_comes_back_filled(client, overrides, field, message):
    client.force_login(UserFactory())
    data = valid_data(**overrides)
    response = client.post(URL, data)
    content = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert message in content
    assert f"id_{field}" in content
    assert not Association.objects.exists()
    for kept in ("name", "address", "description"):
        if kept not in overrides:
            assert data[kept] in content


def test_staff_validate_and_suspend_with_a_reason_in_the_admin(admin_client):
    association = AssociationFactory(pending=True)
    mission = MissionFactory(association=association)
    changelist = reverse("admin:associations_association_changelist")

    admin_client.post(changelist, {"action": "validate", "_selected_action": [association.pk], "index": 0})
    association.refresh_from_db()
    assert association.status == AssociationStatus.VALIDATED
    assert mission.title in admin_client.get("/missions/").content.decode()

    admin_client.post(changelist, {"action": "suspend", "_selected_action": [association.pk], "index": 0})
    association.refresh_from_db()
    assert association.status == AssociationStatus.VALIDATED  # no reason, no suspension

    admin_client.post(
        changelist, {"action": "suspend", "_selected_action": [association.pk], "index": 0, "reason": "Doublon"}
    )
    association.refresh_from_db()
    assert (association.status, association.status_reason) == (AssociationStatus.SUSPENDED, "Doublon")
    assert mission.title not in admin_client.get("/missions/").content.decode()
    assert admin_client.get(f"/missions/{mission.pk}/").status_code == 404
