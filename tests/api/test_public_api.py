"""Open data: published missions and validated organisations, without a token, cached, paginated, under the licence."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.utils import timezone
from openapi_spec_validator import validate

from api.models import ApiCall
from associations import listing
from associations.enums import ApplicationStatus, MissionStatus, OrganisationKind
from associations.models import Mission
from associations.services import application_decide, application_withdraw, mission_close, mission_publish
from core.cache import RedisWithDatabaseFallback
from core.enums import Domain, domains_to_mask
from core.models import Commune, Epci
from tests.api.factories import ApiTokenFactory, bearer
from tests.api.test_auth import assert_problem
from tests.associations.factories import ApplicationFactory, AssociationFactory, MissionFactory, member_of
from tests.resilience.conftest import free_port, own_redis  # noqa: F401 - own_redis: a fixture

pytestmark = pytest.mark.django_db

MISSIONS = "/api/v1/public/missions/"
STRUCTURES = "/api/v1/public/structures/"

MISSION_KEYS = {
    "id", "title", "description", "domain", "domain_label", "organisation", "is_remote", "commune", "commune_name",
    "start_date", "end_date", "volunteers_needed", "places_left", "skills", "schedule", "url", "published_at",
    "updated_at",
}  # fmt: skip
STRUCTURE_KEYS = {
    "id", "kind", "kind_label", "name", "description", "commune", "domains", "covers_whole_departement", "epcis",
    "communes", "url",
}  # fmt: skip
PAGE_KEYS = {"count", "page", "pages", "page_size", "next", "previous", "licence", "results"}
LICENCE = {
    "id": "etalab-2.0",
    "name": "Licence Ouverte / Open Licence version 2.0",
    "url": "https://www.etalab.gouv.fr/wp-content/uploads/2017/04/ETALAB-Licence-Ouverte-v2.0.pdf",
}


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [mission["title"] for mission in response.json()["results"]]


# --- what is shown --------------------------------------------------------------------------------------------------


def test_only_what_the_public_mission_list_shows_is_open_data(client):
    MissionFactory(title="Publiée")
    MissionFactory(title="Brouillon", draft=True)
    MissionFactory(title="Close", status=MissionStatus.CLOSED)
    MissionFactory(title="Terminée", start_date=timezone.localdate() - timedelta(days=9),
                   end_date=timezone.localdate() - timedelta(days=1))  # fmt: skip
    MissionFactory(title="D'une structure en attente", association__pending=True)
    MissionFactory(title="D'une structure suspendue", association__suspended=True)

    assert titles(client.get(MISSIONS)) == ["Publiée"]


def test_a_public_mission_says_what_an_importing_platform_needs_and_nothing_else(client):
    organisation = AssociationFactory(name="Banque alimentaire du Lunévillois")
    mission = MissionFactory(
        association=organisation, title="Tri des colis", commune=Commune.objects.get(insee="54329"),
        volunteers_needed=3, skills="Port de charges", schedule="Le samedi matin",
    )  # fmt: skip
    ApplicationFactory(mission=mission, status=ApplicationStatus.ACCEPTED)
    ApplicationFactory(mission=mission, status=ApplicationStatus.PENDING)

    answer = client.get(MISSIONS).json()
    assert set(answer) == PAGE_KEYS
    (shown,) = answer["results"]
    assert set(shown) == MISSION_KEYS
    assert shown["organisation"] == {"id": organisation.pk, "name": "Banque alimentaire du Lunévillois"}
    assert (shown["domain"], shown["domain_label"]) == ("food_emergency", "Aide alimentaire et d'urgence")
    assert (shown["commune"], shown["commune_name"], shown["is_remote"]) == ("54329", "Lunéville", False)
    assert (shown["volunteers_needed"], shown["places_left"]) == (3, 2)
    assert (shown["skills"], shown["schedule"]) == ("Port de charges", "Le samedi matin")
    assert shown["url"] == f"{settings.SITE_URL}/missions/{mission.pk}/"
    assert shown["start_date"] == mission.start_date.isoformat() and shown["end_date"] is None
    assert client.get(shown["url"].removeprefix(settings.SITE_URL)).status_code == 200


def test_a_public_mission_by_its_number(client):
    mission = MissionFactory(title="Courses pour les aînés", commune=None, is_remote=True)
    answer = client.get(f"{MISSIONS}{mission.pk}/").json()
    assert set(answer) == MISSION_KEYS | {"licence"}
    assert (answer["title"], answer["commune"], answer["commune_name"]) == ("Courses pour les aînés", None, None)


@pytest.mark.parametrize("hidden", [{"draft": True}, {"status": MissionStatus.CLOSED}, {"association__pending": True}])
def test_a_mission_that_is_not_public_is_a_404_problem(client, hidden):
    mission = MissionFactory(**hidden)
    problem = assert_problem(client.get(f"{MISSIONS}{mission.pk}/"), 404)
    assert "Aucune mission publiée" in problem["detail"]
    assert_problem(client.get(f"{MISSIONS}99999999999999999999/"), 404)


def test_a_public_structure_shows_what_the_directory_page_shows_and_nothing_private(client):
    organisation = AssociationFactory(
        name="CCAS de Lunéville", kind=OrganisationKind.COMMUNE, description="Le centre communal d'action sociale.",
        commune=Commune.objects.get(insee="54329"), covers_whole_departement=False,
        contact_email="directrice.ccas@exemple.fr", contact_phone="03 83 00 00 00", address="2 rue Secrète",
        domains=domains_to_mask([Domain.ISOLATED_CONTACT]),
    )  # fmt: skip
    organisation.epcis_covered.set([Epci.objects.get(siren="200070324")])
    organisation.communes_covered.set(Commune.objects.filter(insee__in=["54395", "54547"]))
    member = member_of(organisation)
    ApiTokenFactory(organisation=organisation)

    answer = client.get(f"{STRUCTURES}{organisation.pk}/").json()
    assert set(answer) == STRUCTURE_KEYS | {"licence"}
    assert (answer["kind"], answer["kind_label"]) == ("commune", "Commune ou CCAS")
    assert answer["commune"] == {"insee": "54329", "name": "Lunéville"}
    assert answer["domains"] == [{"code": "isolated_contact", "label": "Lien avec les personnes fragiles isolées"}]
    assert answer["covers_whole_departement"] is False
    assert [epci["siren"] for epci in answer["epcis"]] == ["200070324"]
    assert answer["communes"] == [
        {"insee": "54395", "name": "Nancy"},
        {"insee": "54547", "name": "Vandœuvre-lès-Nancy"},
    ]
    assert answer["url"] == f"{settings.SITE_URL}/associations/annuaire/{organisation.pk}/"
    content = client.get(STRUCTURES).content.decode() + client.get(f"{STRUCTURES}{organisation.pk}/").content.decode()
    for private in ("directrice.ccas", "03 83 00 00 00", "2 rue Secrète", member.email, "rna", "siret", "e54_"):
        assert private not in content
    assert set(client.get(STRUCTURES).json()["results"][0]) == STRUCTURE_KEYS


def test_only_validated_structures_are_open_data(client):
    AssociationFactory(name="Validée")
    pending, suspended = AssociationFactory(name="En attente", pending=True), AssociationFactory(suspended=True)
    assert [s["name"] for s in client.get(STRUCTURES).json()["results"]] == ["Validée"]
    for hidden in (pending, suspended):
        assert_problem(client.get(f"{STRUCTURES}{hidden.pk}/"), 404)


# --- filters ---------------------------------------------------------------------------------------------------------


def test_missions_filtered_by_domain_commune_place_and_organisation(client):
    organisation = AssociationFactory(domains=domains_to_mask(Domain.values))
    MissionFactory(title="Colis à Nancy", association=organisation)
    MissionFactory(title="Devoirs à distance", domain=Domain.CHILDCARE, commune=None, is_remote=True)
    MissionFactory(title="Visites à Lunéville", domain=Domain.ISOLATED_CONTACT,
                   commune=Commune.objects.get(insee="54329"))  # fmt: skip

    assert titles(client.get(MISSIONS, {"domain": "childcare"})) == ["Devoirs à distance"]
    assert titles(client.get(MISSIONS, {"commune": "54329"})) == ["Visites à Lunéville"]
    assert titles(client.get(MISSIONS, {"remote": "true"})) == ["Devoirs à distance"]
    assert sorted(titles(client.get(MISSIONS, {"remote": "false"}))) == ["Colis à Nancy", "Visites à Lunéville"]
    assert titles(client.get(MISSIONS, {"organisation": organisation.pk})) == ["Colis à Nancy"]
    assert titles(client.get(MISSIONS, {"organisation": 10**20})) == []


def test_missions_updated_since_a_moment_for_an_incremental_import(client):
    old, recent = MissionFactory(title="Ancienne"), MissionFactory(title="Récente")
    Mission.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=3))
    yesterday = timezone.localtime() - timedelta(days=1)

    assert titles(client.get(MISSIONS, {"updated_since": yesterday.isoformat()})) == ["Récente"]
    # Without an offset, the moment is Paris's.
    assert titles(client.get(MISSIONS, {"updated_since": yesterday.strftime("%Y-%m-%dT%H:%M")})) == ["Récente"]
    old.title = "Ancienne, corrigée"
    old.save(update_fields=["title"])  # a change saved field by field is a change too
    assert sorted(titles(client.get(MISSIONS, {"updated_since": yesterday.isoformat()}))) == [
        "Ancienne, corrigée", recent.title,
    ]  # fmt: skip


def test_an_application_accepted_or_withdrawn_after_acceptance_is_a_change_since_a_moment(client):
    """The places left change with no field of the mission saved: an incremental import must still see it."""
    mission = MissionFactory(volunteers_needed=2)
    application = ApplicationFactory(mission=mission)
    this_morning = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)

    def changed_since_this_morning() -> dict:
        response = client.get(MISSIONS, {"updated_since": this_morning.isoformat()})
        assert response.status_code == 200
        return {found["id"]: found["places_left"] for found in response.json()["results"]}

    Mission.objects.filter(pk=mission.pk).update(updated_at=this_morning - timedelta(hours=12))
    assert changed_since_this_morning() == {}
    application = application_decide(application=application, accept=True, by=None)
    assert changed_since_this_morning() == {mission.pk: 1}

    Mission.objects.filter(pk=mission.pk).update(updated_at=this_morning - timedelta(hours=12))
    application_withdraw(application=application)
    assert changed_since_this_morning() == {mission.pk: 2}


def test_structures_filtered_by_where_they_act_domain_and_kind(client):
    AssociationFactory(name="Partout")
    local = AssociationFactory(name="Aide lunévilloise", covers_whole_departement=False, kind=OrganisationKind.COMMUNE,
                               domains=domains_to_mask([Domain.CHILDCARE]))  # fmt: skip
    local.communes_covered.set([Commune.objects.get(insee="54329")])
    by_epci = AssociationFactory(name="Grand Nancy", covers_whole_departement=False)
    by_epci.epcis_covered.set([Epci.objects.get(siren="245400676")])

    def names(**params):
        return [s["name"] for s in client.get(STRUCTURES, params).json()["results"]]

    assert names(commune="54329") == ["Aide lunévilloise", "Partout"]
    assert names(commune="54547") == ["Grand Nancy", "Partout"]  # Vandœuvre, in the Grand Nancy's EPCI
    assert names(domain="childcare") == ["Aide lunévilloise"]
    assert names(kind="commune") == ["Aide lunévilloise"]


@pytest.mark.parametrize("url", [MISSIONS, STRUCTURES])
@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"commune": "54999"}, "commune", "Aucune commune du département n'a le code INSEE « 54999 »."),
        ({"commune": "75056"}, "commune", "Aucune commune du département n'a le code INSEE « 75056 »."),
        ({"commune": "5432900"}, "commune", "Ce texte est trop long."),
        ({"domain": "jardinage"}, "domain", "Cette valeur ne fait pas partie des valeurs possibles."),
        ({"page": "0"}, "page", "Cette valeur est trop petite."),
        ({"page": "-3"}, "page", "Cette valeur est trop petite."),
        ({"page": "deux"}, "page", "Un nombre entier est attendu."),
        ({"page": "1.5"}, "page", "Un nombre entier est attendu."),
        ({"page": "99999999999999999999999"}, "page", "Cette liste n'a qu'une page."),
        ({"page_size": "0"}, "page_size", "Cette valeur est trop petite."),
        ({"page_size": "101"}, "page_size", "Cette valeur est trop grande."),
    ],
)
def test_bad_parameters_are_a_422_problem_naming_the_field(client, url, params, field, message):
    problem = assert_problem(client.get(url, params), 422, "validation")
    assert problem["errors"] == [{"field": field, "detail": message}]


def test_bad_moment_is_a_422_problem(client):
    problem = assert_problem(client.get(MISSIONS, {"updated_since": "hier"}), 422, "validation")
    assert [error["field"] for error in problem["errors"]] == ["updated_since"]


# --- pages -----------------------------------------------------------------------------------------------------------


def test_pages_with_their_counts_and_links(client):
    for n in range(5):
        MissionFactory(title=f"Mission {n}", published_at=timezone.now() - timedelta(hours=n))

    first = client.get(MISSIONS, {"page_size": 2, "domain": "food_emergency"}).json()
    assert (first["count"], first["page"], first["pages"], first["page_size"]) == (5, 1, 3, 2)
    assert [m["title"] for m in first["results"]] == ["Mission 0", "Mission 1"]
    assert first["previous"] is None
    assert first["next"] == f"{settings.SITE_URL}{MISSIONS}?domain=food_emergency&page_size=2&page=2"

    last = client.get(first["next"].removeprefix(settings.SITE_URL)).json()
    last = client.get(last["next"].removeprefix(settings.SITE_URL)).json()
    assert ([m["title"] for m in last["results"]], last["page"], last["next"]) == (["Mission 4"], 3, None)
    assert last["previous"] == f"{settings.SITE_URL}{MISSIONS}?domain=food_emergency&page_size=2&page=2"

    problem = assert_problem(client.get(MISSIONS, {"page_size": 2, "page": 4}), 422, "validation")
    assert problem["errors"] == [{"field": "page", "detail": "Cette liste n'a que 3 pages."}]


def test_the_links_follow_the_filters_as_understood_not_as_typed(client):
    MissionFactory.create_batch(2, commune=Commune.objects.get(insee="54329"))
    answer = client.get(MISSIONS, {"commune": "54329", "remote": "0", "page_size": "1", "utm": "x"}).json()
    assert answer["next"] == f"{settings.SITE_URL}{MISSIONS}?commune=54329&remote=false&page_size=1&page=2"


def test_an_empty_list_is_one_empty_page(client):
    answer = client.get(MISSIONS).json()
    assert (answer["count"], answer["pages"], answer["results"], answer["next"]) == (0, 1, [], None)


def test_a_page_is_at_most_a_hundred(client):
    MissionFactory.create_batch(3)
    assert len(client.get(MISSIONS, {"page_size": 100}).json()["results"]) == 3


# --- the licence -----------------------------------------------------------------------------------------------------


def test_every_answer_states_the_licence_and_the_source(client):
    mission = MissionFactory()
    for url in (MISSIONS, f"{MISSIONS}{mission.pk}/", STRUCTURES, f"{STRUCTURES}{mission.association_id}/"):
        licence = client.get(url).json()["licence"]
        assert {key: licence[key] for key in LICENCE} == LICENCE, url
        assert licence["source"] == f"{settings.OPERATOR_NAME}, {settings.PORTAL_NAME} ({settings.SITE_URL})"


def test_the_licence_follows_its_setting(client, settings):
    settings.OPEN_DATA_LICENCE = {"id": "CC-BY-4.0", "name": "Creative Commons BY 4.0", "url": "https://cc.example/"}
    assert client.get(STRUCTURES).json()["licence"]["name"] == "Creative Commons BY 4.0"


def test_the_openapi_document_is_valid_and_states_the_licence_under_each_open_data_route(client):
    document = client.get("/api/v1/openapi.json").json()
    validate(document)
    for path in (MISSIONS, f"{MISSIONS}{{mission_id}}/", STRUCTURES, f"{STRUCTURES}{{structure_id}}/"):
        operation = document["paths"][path]["get"]
        assert "security" not in operation or operation["security"] == [{}] or not operation["security"], path
        assert LICENCE["name"] in operation["description"] and LICENCE["url"] in operation["description"], path
    parameters = {p["name"] for p in document["paths"][MISSIONS]["get"]["parameters"]}
    assert parameters == {"page", "page_size", "domain", "commune", "remote", "organisation", "updated_since"}


# --- cache, HTTP caching, browsers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [MISSIONS, STRUCTURES])
def test_a_second_call_is_served_from_the_cache(client, django_assert_max_num_queries, url):
    MissionFactory(title="Maraude du soir")
    first = client.get(url)
    with django_assert_max_num_queries(0):
        second = client.get(url)
    assert second.content == first.content


def test_a_mission_published_closed_or_filled_shows_at_once(client):
    mission = MissionFactory(title="Collecte", draft=True, volunteers_needed=1)
    assert titles(client.get(MISSIONS)) == []
    mission_publish(mission=mission)
    assert titles(client.get(MISSIONS)) == ["Collecte"]
    assert client.get(f"{MISSIONS}{mission.pk}/").json()["places_left"] == 1
    ApplicationFactory(mission=mission, status=ApplicationStatus.ACCEPTED)
    assert client.get(MISSIONS).json()["results"][0]["places_left"] == 0
    assert client.get(f"{MISSIONS}{mission.pk}/").json()["places_left"] == 0
    mission_close(mission=mission)
    assert titles(client.get(MISSIONS)) == []
    assert client.get(f"{MISSIONS}{mission.pk}/").status_code == 404


def test_a_structure_renamed_or_suspended_shows_at_once(client):
    organisation = AssociationFactory(name="Ancien nom")
    MissionFactory(association=organisation)
    client.get(STRUCTURES), client.get(MISSIONS)
    organisation.name = "Nouveau nom"
    organisation.save()
    assert client.get(STRUCTURES).json()["results"][0]["name"] == "Nouveau nom"
    assert client.get(MISSIONS).json()["results"][0]["organisation"]["name"] == "Nouveau nom"
    organisation.suspend("Fraude")
    assert client.get(STRUCTURES).json()["count"] == 0 and client.get(MISSIONS).json()["count"] == 0


def test_updated_since_is_never_kept_in_the_cache(client, django_assert_max_num_queries):
    MissionFactory()
    since = {"updated_since": (timezone.localtime() - timedelta(days=1)).isoformat()}
    client.get(MISSIONS, since)
    with django_assert_max_num_queries(3) as queries:
        client.get(MISSIONS, since)
    assert len(queries) >= 1


@pytest.mark.parametrize("url", [MISSIONS, STRUCTURES, "detail"])
def test_answers_may_be_kept_by_browsers_and_proxies_and_read_from_any_site(client, url):
    mission = MissionFactory()
    url = f"{MISSIONS}{mission.pk}/" if url == "detail" else url
    response = client.get(url, headers={"Origin": "https://www.mairie-luneville.fr"})
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert directives == {"public", f"max-age={settings.OPEN_DATA_CACHE_SECONDS}"}
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Type"] == "application/json; charset=utf-8"

    again = client.get(url, headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == response["ETag"] and again["Access-Control-Allow-Origin"] == "*"
    assert "public" in again["Cache-Control"]


def test_the_etag_changes_with_the_data(client):
    mission = MissionFactory(title="Avant")
    etag = client.get(MISSIONS)["ETag"]
    mission.title = "Après"
    mission.save()
    assert client.get(MISSIONS, headers={"If-None-Match": etag}).status_code == 200


def test_a_signed_in_visitor_gets_the_same_public_answer(client):
    MissionFactory()
    client.force_login(member_of(AssociationFactory()))
    assert "public" in client.get(MISSIONS)["Cache-Control"]


def test_errors_are_readable_from_any_site_but_never_cached(client):
    response = client.get(MISSIONS, {"page": "0"})
    assert response.status_code == 422 and response["Access-Control-Allow-Origin"] == "*"
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_routes_that_take_a_token_are_not_open_to_other_sites(client):
    token = ApiTokenFactory()
    response = client.get("/api/v1/missions/", headers=bearer(token))
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response
    assert "no-store" in response["Cache-Control"]


def test_a_token_is_neither_needed_nor_logged(client):
    token = ApiTokenFactory()
    assert client.get(MISSIONS, headers=bearer(token)).status_code == 200
    assert client.get(MISSIONS, headers={"Authorization": "Bearer e54_inconnu"}).status_code == 200
    assert not ApiCall.objects.exists()


# --- Redis down ------------------------------------------------------------------------------------------------------


def database_cache_entries() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {settings.CACHES['database']['LOCATION']}")
        return cursor.fetchone()[0]


def redis_cache_settings(url: str) -> dict:
    return {
        **settings.CACHES,
        "default": {
            "BACKEND": "core.cache.RedisWithDatabaseFallback",
            "LOCATION": url,
            "KEY_PREFIX": settings.CACHE_KEY_PREFIX,
            "OPTIONS": settings.REDIS_CACHE_OPTIONS,
            "FALLBACK": "database",
        },
    }


def test_with_redis_down_the_open_data_still_answers_and_still_follows_changes(client, settings, own_redis):  # noqa: F811
    settings.CACHES = redis_cache_settings(own_redis.url)
    mission = MissionFactory(title="Avant la panne")
    assert titles(client.get(MISSIONS)) == ["Avant la panne"]

    assert database_cache_entries() == 0

    own_redis.stop()
    assert titles(client.get(MISSIONS)) == ["Avant la panne"]  # rendered again, kept in the database meanwhile
    assert database_cache_entries() > 0
    mission.title = "Pendant la panne"
    mission.save()
    assert titles(client.get(MISSIONS)) == ["Pendant la panne"]
    assert client.get(f"{STRUCTURES}{mission.association_id}/").status_code == 200


def test_with_redis_unreachable_from_the_start_the_open_data_is_kept_in_the_database(
    client, settings, django_assert_max_num_queries
):
    settings.CACHES = redis_cache_settings(f"redis://127.0.0.1:{free_port()}/0")
    assert isinstance(caches["default"], RedisWithDatabaseFallback)
    MissionFactory(title="Sans Redis")
    assert titles(client.get(MISSIONS)) == ["Sans Redis"]
    # The version and the answer, read from the database cache: no count, no page of missions.
    with django_assert_max_num_queries(2):
        assert titles(client.get(MISSIONS)) == ["Sans Redis"]


# --- query budgets ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 50])
def test_the_public_mission_list_reads_a_fixed_number_of_rows(client, django_assert_max_num_queries, rows):
    for mission in MissionFactory.create_batch(rows):
        ApplicationFactory(mission=mission, status=ApplicationStatus.ACCEPTED)
    listing.forget()
    # The count; the page of missions with their organisation, commune and accepted count.
    with django_assert_max_num_queries(2):
        assert len(client.get(MISSIONS, {"page_size": 100}).json()["results"]) == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_the_public_structure_list_reads_a_fixed_number_of_rows(client, django_assert_max_num_queries, rows):
    for organisation in AssociationFactory.create_batch(rows, covers_whole_departement=False):
        organisation.epcis_covered.set([Epci.objects.get(siren="245400676")])
        organisation.communes_covered.set(Commune.objects.filter(insee__in=["54329", "54395"]))
    listing.forget()
    # The count; the page with the seat's commune; the EPCIs covered; the communes covered.
    with django_assert_max_num_queries(4):
        results = client.get(STRUCTURES, {"page_size": 100}).json()["results"]
    assert len(results) == rows and all(len(s["communes"]) == 2 for s in results)
