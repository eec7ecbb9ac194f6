import html
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from core.enums import Domain, mask_to_domains
from core.slots import slot_bit
from tests.accounts.factories import UserFactory
from tests.volunteers.factories import VolunteerProfileFactory
from volunteers.enums import Reach
from volunteers.models import VolunteerProfile

pytestmark = pytest.mark.django_db
URL = "/benevoles/profil/"


def profile_data(**overrides):
    data = {
        "first_name": "Lucie",
        "last_name": "Martin",
        "phone": "06 12 34 56 78",
        "home_commune": "Toul",
        "reach": "epci",
        "domain_codes": ["isolated_contact", "local_solidarity"],
        "slots": ["0-0", "2-2"],
        "other_skills": "Tricot",
        "has_vehicle": "on",
        "capacity": "3",
        "is_adult": "on",
        "no_symptoms": "on",
        "charter": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def user(client):
    user = UserFactory()
    client.force_login(user)
    return user


@pytest.fixture
def volunteer(client):
    profile = VolunteerProfileFactory()
    client.force_login(profile.user)
    return profile


def test_the_profile_page_needs_an_account(client):
    assert reverse("volunteers:profile") == URL
    assert client.get(URL).status_code == 302


def test_a_volunteer_fills_the_profile_and_lands_on_the_dashboard(client, user):
    response = client.post(URL, profile_data())

    profile = VolunteerProfile.objects.get(user=user)
    assert response.status_code == 302 and response.url == reverse("volunteers:dashboard")
    assert (profile.phone, profile.home_commune.insee, profile.reach) == ("+33612345678", "54528", Reach.EPCI)
    assert mask_to_domains(profile.domains) == [Domain.ISOLATED_CONTACT, Domain.LOCAL_SOLIDARITY]
    assert profile.availability == slot_bit(0, 0) | slot_bit(2, 2)
    assert (profile.capacity, profile.has_vehicle, profile.other_skills) == (3, True, "Tricot")
    assert profile.attestations_given and profile.charter_accepted_at
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Lucie", "Martin")
    assert VolunteerProfile.objects.ready().filter(pk=profile.pk).exists()


def test_editing_the_profile_keeps_the_charter_date_and_shows_the_saved_choices(client, user):
    client.post(URL, profile_data())
    first_date = VolunteerProfile.objects.get().charter_accepted_at
    content = client.get(URL).content.decode()
    assert re.search(r'<input[^>]*value="0-0"[^>]*checked', content)
    assert not re.search(r'<input[^>]*value="1-0"[^>]*checked', content)
    client.post(URL, profile_data(capacity="1"))
    profile = VolunteerProfile.objects.get()
    assert profile.capacity == 1 and profile.charter_accepted_at == first_date


BAD = [
    ({"phone": "12"}, "phone", "Numéro de téléphone invalide"),
    ({"phone": ""}, "phone", "Ce champ est obligatoire"),
    ({"domain_codes": None}, "domain_codes", "Choisissez au moins un domaine"),
    ({"home_commune": "Atlantis"}, "home_commune", "Commune inconnue"),
    ({"is_adult": None}, "is_adult", "Il faut être majeur"),
    ({"no_symptoms": None}, "no_symptoms", "protège les personnes fragiles"),
    ({"charter": None}, "charter", "Acceptez la charte"),
    ({"slots": ["9-9"]}, "slots", "Sélectionnez un choix valide"),
    ({"capacity": "50"}, "capacity", "Sélectionnez un choix valide"),
    ({"reach": "monde"}, "reach", "Sélectionnez un choix valide"),
    ({"first_name": "<" * 151}, "first_name", "au plus 150 caractères"),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD, ids=[b[1] + str(i) for i, b in enumerate(BAD)])
def test_bad_profile_input_is_explained_and_kept(client, user, overrides, field, message):
    data = profile_data(**overrides)
    response = client.post(URL, data)
    content = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert message in content and f"id_{field}" in content
    assert not VolunteerProfile.objects.exists()
    if "other_skills" not in overrides:
        assert 'value="Tricot"' in content


def test_the_charter_page_is_public(client):
    assert "Charte du bénévole" in client.get(reverse("volunteers:charter")).content.decode()


def test_after_sign_in_each_person_lands_in_their_space(client):
    volunteer = UserFactory()
    client.force_login(volunteer)
    assert client.get("/mon-espace/").status_code == 200  # no role yet: choose one
    client.post(URL, profile_data())
    assert client.get("/mon-espace/").url == reverse("volunteers:dashboard")
    client.force_login(UserFactory(staff=True))
    assert client.get("/mon-espace/").url == reverse("admin:index")


def test_editing_the_profile_shows_the_commune_by_name_and_saves_unchanged(client, user):
    client.post(URL, profile_data())
    content = client.get(URL).content.decode()
    assert 'value="Toul (54200)"' in content
    assert client.post(URL, profile_data(home_commune="Toul (54200)")).status_code == 302


def test_the_pause_switch(client, volunteer):
    tomorrow = timezone.localdate() + timedelta(days=1)
    client.post(reverse("volunteers:pause"), {"paused_until": tomorrow.isoformat()})
    volunteer.refresh_from_db()
    assert volunteer.paused_until == tomorrow and volunteer.is_paused
    response = client.post(reverse("volunteers:pause"), {"paused_until": "2000-01-01"}, follow=True)
    assert "à partir d'aujourd'hui" in html.unescape(response.content.decode())
    client.post(reverse("volunteers:pause"), {"reprendre": "1"})
    volunteer.refresh_from_db()
    assert volunteer.paused_until is None


def test_the_dashboard_draws_the_empty_pause_field_in_memory_in_the_visitors_language(client, volunteer, settings):
    keys_read = []
    original_get = cache.get

    def get(key, *args, **kwargs):
        keys_read.append(key)
        return original_get(key, *args, **kwargs)

    client.get(reverse("volunteers:dashboard"))  # drawn once
    with mock.patch.object(cache, "get", get):
        french = client.get(reverse("volunteers:dashboard")).content.decode()
    assert 'name="paused_until"' in french and "Indisponible jusqu&#x27;au (inclus)" in french
    assert not [key for key in keys_read if key.startswith("template.cache.")]  # not a round trip to Redis
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("volunteers:dashboard")).content.decode()
    assert 'name="paused_until"' in english and "Indisponible jusqu&#x27;au" not in english


def test_choosing_childcare_says_at_once_that_a_document_must_be_checked_first(client, user):
    response = client.post(URL, profile_data(domain_codes=["childcare", "local_solidarity"]), follow=True)
    page = html.unescape(response.content.decode())
    assert "Garde d'enfants : le département doit d'abord vérifier un document." in page
    assert reverse("volunteers:vetting_upload") in page
    # Without a domain that asks for a check, nothing more is said.
    response = client.post(URL, profile_data(), follow=True)
    assert "doit d'abord vérifier" not in html.unescape(response.content.decode())
