"""Public pages kept whole for visitors without an account (core.page_cache): a kept page is the fresh page but for
its CSRF token, every change it shows makes it stale at once, and nobody signed in or with a message gets one."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from associations.enums import AssociationStatus
from core import page_cache
from core.models import Commune, HelpType, Hotline
from crisis.enums import Section
from crisis.models import CrisisUpdate
from crisis.services import update_publish
from tests.accounts.factories import AgentFactory, UserFactory
from tests.associations.factories import ApplicationFactory, AssociationFactory, MissionFactory
from tests.crisis.factories import HealthRulesFactory
from tests.requests_app.factories import valid_form_data

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def without_tokens(response) -> str:
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', response.content.decode())


def tokens(response) -> list[str]:
    return TOKEN.findall(response.content.decode())


@pytest.fixture
def mission():
    """A published mission of a validated organisation, a crisis update and health rules: every public page has
    something of its own to show."""
    CrisisUpdate.objects.create(section=Section.WHAT_CHANGED, text="Les marchés rouvrent.", change="Marchés")
    HealthRulesFactory()
    return MissionFactory(title="Maraude du soir", help_type=HelpType.objects.get(code="shopping"))


PAGES = {
    "home": lambda m: reverse("core:home"),
    "legal notice": lambda m: reverse("core:legal_notice"),
    "accessibility": lambda m: reverse("core:accessibility"),
    "privacy": lambda m: reverse("core:privacy"),
    "mission list": lambda m: reverse("missions:list"),
    "mission list, filtered": lambda m: reverse("missions:list") + "?domain=food_emergency&commune=Nancy",
    "mission detail": lambda m: reverse("missions:detail", args=[m.pk]),
    "directory": lambda m: reverse("associations:directory"),
    "directory, filtered": lambda m: reverse("associations:directory") + "?domain=food_emergency&page=1",
    "organisation's page": lambda m: reverse("associations:public", args=[m.association_id]),
    "crisis page": lambda m: reverse("crisis:page"),
    "crisis history": lambda m: reverse("crisis:history"),
    "request form": lambda m: reverse("requests:new"),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_a_kept_page_is_the_fresh_page_but_for_the_visitor_s_own_token(mission, django_assert_num_queries, page):
    url = PAGES[page](mission)
    fresh = Client().get(url)
    with django_assert_num_queries(0):  # another visitor, served from the cache
        kept = Client().get(url)
    assert fresh.status_code == kept.status_code == 200
    assert without_tokens(kept) == without_tokens(fresh)
    for header in ("Content-Type", "Content-Language", "Cache-Control", "Vary", "Content-Security-Policy"):
        assert kept.get(header) == fresh.get(header), header
    # The header's language switch is a form: each visitor gets a token, with the cookie it goes with.
    assert tokens(kept) and set(tokens(kept)).isdisjoint(tokens(fresh))
    assert kept.cookies[settings.CSRF_COOKIE_NAME].value


def test_the_token_of_a_kept_request_form_is_accepted_with_the_visitor_s_cookie():
    Client().get(reverse("requests:new"))  # someone else's visit keeps the page
    visitor = Client(enforce_csrf_checks=True)
    [token, *_] = tokens(visitor.get(reverse("requests:new")))
    response = visitor.post(reverse("requests:new"), {**valid_form_data(), "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Client(enforce_csrf_checks=True).post(reverse("requests:new"), valid_form_data()).status_code == 403


def test_each_language_has_its_own_copy(client):
    client.get(reverse("core:home"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Ask for help" in client.get(reverse("core:home")).content.decode()
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert "Demander de l'aide" in client.get(reverse("core:home")).content.decode()


# --- What makes a page stale ----------------------------------------------------------------------------------


def test_a_mission_edited_shows_at_once_on_its_page_the_list_and_its_organisation_s_page(client, mission):
    urls = [reverse("missions:detail", args=[mission.pk]), reverse("missions:list"),
            reverse("associations:public", args=[mission.association_id])]  # fmt: skip
    for url in urls:
        client.get(url)
    mission.title = "Maraude du matin"
    mission.save()
    for url in urls:
        assert "Maraude du matin" in client.get(url).content.decode(), url


def test_a_mission_filled_shows_as_full_on_its_page(client, mission):
    url = reverse("missions:detail", args=[mission.pk])
    assert "Cette mission est complète" not in client.get(url).content.decode()
    ApplicationFactory.create_batch(2, mission=mission, status="accepted")
    assert "Cette mission est complète" in client.get(url).content.decode()


def test_a_mission_leaves_the_public_pages_the_day_after_it_ends(client, mission, time_machine):
    mission.end_date = timezone.localdate()
    mission.save()
    url = reverse("missions:detail", args=[mission.pk])
    assert client.get(url).status_code == 200
    time_machine.move_to(timezone.now() + timedelta(days=1))
    assert client.get(url).status_code == 404
    assert "Maraude du soir" not in client.get(reverse("missions:list")).content.decode()


def test_an_organisation_validated_or_acting_in_a_new_commune_shows_at_once_in_the_directory(client):
    association = AssociationFactory(name="Les Restos du Cœur de Toul", status=AssociationStatus.PENDING)
    url, in_toul = reverse("associations:directory"), reverse("associations:directory") + "?commune=Toul"
    assert "Restos du Cœur de Toul" not in client.get(url).content.decode()
    association.validate()
    assert "Restos du Cœur de Toul" in client.get(url).content.decode()

    client.get(in_toul)
    association.communes_covered.add(Commune.objects.get(insee="54528"))  # Toul
    assert "Restos du Cœur de Toul" in client.get(in_toul).content.decode()


def test_a_help_type_renamed_shows_at_once_on_the_request_form_and_the_missions_of_that_help(client, mission):
    urls = [reverse("requests:new"), reverse("missions:detail", args=[mission.pk])]
    for url in urls:
        client.get(url)
    shopping = HelpType.objects.get(code="shopping")
    shopping.name = "Courses et pharmacie"
    shopping.save()
    for url in urls:
        assert "Courses et pharmacie" in client.get(url).content.decode(), url


def test_a_crisis_update_shows_at_once_on_the_crisis_page_and_its_history(client, django_capture_on_commit_callbacks):
    urls = [reverse("crisis:page"), reverse("crisis:history")]
    for url in urls:
        client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        update_publish(update=CrisisUpdate(section=Section.OPENING_HOURS, text="8 h - 20 h", change="Horaires"),
                       by=AgentFactory())  # fmt: skip
    for url in urls:
        assert "8 h - 20 h" in client.get(url).content.decode(), url


def test_a_new_hotline_number_and_an_urgent_banner_show_at_once_on_every_kept_page(
    client, mission, django_capture_on_commit_callbacks
):
    for url in (PAGES[page](mission) for page in PAGES):
        client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        Hotline.objects.create(pk=Hotline.SINGLETON_ID, phone="03 83 00 00 00")
        update_publish(update=CrisisUpdate(section=Section.WHAT_CHANGED, text="…", change="Couvre-feu", urgent=True),
                       by=AgentFactory())  # fmt: skip
    for page in PAGES:
        content = client.get(PAGES[page](mission)).content.decode()
        assert "03 83 00 00 00" in content and "03 83 94 54 54" not in content, page
        assert "Couvre-feu" in content, page


# --- Who never gets a kept page, and what is never kept --------------------------------------------------------


def test_a_signed_in_visitor_never_gets_a_visitor_s_copy_nor_leaves_hers(client, mission):
    url = reverse("missions:detail", args=[mission.pk])
    Client().get(url)
    user = UserFactory(email="jeanne@exemple.fr")
    client.force_login(user)
    assert "jeanne@exemple.fr" in client.get(url).content.decode()
    assert "jeanne@exemple.fr" in client.get(reverse("core:home")).content.decode()
    assert "jeanne@exemple.fr" not in Client().get(reverse("core:home")).content.decode()


def flash(client: Client, text: str) -> None:
    """A message waiting for the visitor's next page, as MessageMiddleware leaves it in its cookie."""
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies[CookieStorage.cookie_name] = storage._encode([Message(constants.SUCCESS, text)])


def test_a_visitor_with_a_message_gets_a_fresh_page_and_nobody_gets_hers():
    Client().get(reverse("core:home"))  # a copy is kept
    visitor = Client()
    flash(visitor, "Votre demande est enregistrée.")
    assert "Votre demande est enregistrée." in visitor.get(reverse("core:home")).content.decode()
    flash(visitor, "Votre demande est annulée.")  # on a page nobody has seen yet
    assert "Votre demande est annulée." in visitor.get(reverse("core:legal_notice")).content.decode()
    assert "Votre demande est annulée." not in Client().get(reverse("core:legal_notice")).content.decode()


def queries_made(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def test_a_query_string_the_page_does_not_offer_is_drawn_each_time(client):
    AssociationFactory(name="Secours populaire")
    for query in ("?q=Secours", "?page=9", "?utm_source=lettre"):
        client.get(reverse("associations:directory") + query)
        assert queries_made(client, reverse("associations:directory") + query), query
    client.get(reverse("associations:directory") + "?domain=childcare")
    assert not queries_made(client, reverse("associations:directory") + "?domain=childcare")


def test_a_cache_that_fails_only_means_the_page_is_drawn_again(client, mission):
    with mock.patch.object(cache, "get_many", side_effect=DatabaseError("both caches down")):
        response = client.get(reverse("missions:detail", args=[mission.pk]))
    assert response.status_code == 200 and "Maraude du soir" in response.content.decode()


def test_a_version_forgotten_by_the_cache_is_the_same_for_every_process():
    cache.delete(page_cache.VERSION_PREFIX + page_cache.MISSIONS)
    assert page_cache.version(page_cache.MISSIONS) == page_cache.version(page_cache.MISSIONS)
    before = page_cache.version(page_cache.MISSIONS, page_cache.HELP_TYPES)
    page_cache.bump(page_cache.HELP_TYPES)
    assert page_cache.version(page_cache.MISSIONS, page_cache.HELP_TYPES) != before
