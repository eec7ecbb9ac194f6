"""The public mission list is kept in the cache, and never shows a stale mission once something changed."""

import pytest
from django.urls import reverse

from associations import listing
from associations.enums import ApplicationStatus
from associations.models import Mission
from tests.associations.factories import ApplicationFactory, MissionFactory

pytestmark = pytest.mark.django_db

URL = reverse("missions:list")


def test_a_second_visit_is_served_from_the_cache(client, django_assert_max_num_queries):
    MissionFactory(title="Maraude du soir")
    client.get(URL)
    with django_assert_max_num_queries(0):  # a visitor without a session: nothing read from the database
        second = client.get(URL).content.decode()
    assert "Maraude du soir" in second


def test_a_mission_published_after_a_visit_shows_at_once(client):
    client.get(URL)
    MissionFactory(title="Collecte de printemps")
    assert "Collecte de printemps" in client.get(URL).content.decode()


def test_a_mission_that_fills_up_shows_as_full_at_once(client):
    mission = MissionFactory(title="Tri des colis", volunteers_needed=1)
    assert "Complète" not in client.get(URL).content.decode()
    ApplicationFactory(mission=mission, status=ApplicationStatus.ACCEPTED)
    assert "Complète" in client.get(URL).content.decode()


def test_a_closed_mission_leaves_the_list_at_once(client):
    mission = MissionFactory(title="Ramassage des encombrants")
    client.get(URL)
    mission.status = "closed"
    mission.save()
    assert "Ramassage des encombrants" not in client.get(URL).content.decode()
    assert not Mission.objects.published().exists()


@pytest.mark.parametrize(
    "params, kept",
    [
        ({}, True),
        ({"domain": "food_emergency", "page": "2"}, True),
        ({"page": "400"}, False),
        ({"q": "colis"}, True),
        ({"q": "aide aux devoirs le mercredi après-midi à Nancy"}, False),
        ({"utm_source": "x"}, False),
    ],
)
def test_only_the_offered_filters_and_first_pages_are_kept(rf, params, kept):
    assert listing.cacheable(rf.get(URL, params).GET) is kept


def test_filters_still_apply_through_the_cache(client):
    MissionFactory(title="Aide aux devoirs", domain="childcare")
    MissionFactory(title="Distribution alimentaire", domain="food_emergency")
    client.get(URL)
    page = client.get(URL, {"domain": "childcare"}).content.decode()
    assert "Aide aux devoirs" in page and "Distribution alimentaire" not in page


def test_a_search_by_keywords_is_kept_and_still_filters(client, django_assert_max_num_queries):
    MissionFactory(title="Collecte de colis", description="Trier les dons.", domain="food_emergency")
    MissionFactory(title="Aide aux devoirs", description="Accompagner des collégiens.", domain="childcare")
    client.get(URL, {"q": "colis"})
    with django_assert_max_num_queries(0):  # drawn for the first visitor, read from the cache by the next
        second = client.get(URL, {"q": "colis"}).content.decode()
    assert "Collecte de colis" in second and "Aide aux devoirs" not in second
    assert "Aide aux devoirs" in client.get(URL, {"q": "devoirs"}).content.decode()
