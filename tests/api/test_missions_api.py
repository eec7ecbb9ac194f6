"""An organisation's software reads, creates, changes, publishes and closes its missions: the rules and messages of
the organisation's own form, its own missions only."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from associations.enums import ApplicationStatus, MissionStatus
from associations.models import Mission
from core.enums import Domain, domains_to_mask
from tests.api.factories import ApiTokenFactory, bearer
from tests.api.test_auth import assert_problem
from tests.associations.factories import ApplicationFactory, AssociationFactory, MissionFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/missions/"
PUBLIC = "/api/v1/public/missions/"

MISSION_KEYS = {
    "id", "status", "status_label", "title", "description", "domain", "domain_label", "is_remote", "commune",
    "commune_name", "start_date", "end_date", "volunteers_needed", "accepted_applications", "places_left", "skills",
    "schedule", "public_url", "created_at", "published_at", "updated_at",
}  # fmt: skip


@pytest.fixture
def token():
    """A token of a food bank acting in two domains, allowed to read and write its missions."""
    organisation = AssociationFactory(
        name="Banque alimentaire", domains=domains_to_mask([Domain.FOOD_EMERGENCY, Domain.LOCAL_SOLIDARITY])
    )
    return ApiTokenFactory(organisation=organisation, scopes=["missions:read", "missions:write"])


def valid(**overrides) -> dict:
    return {
        "title": "Distribution de colis",
        "domain": "food_emergency",
        "description": "Préparer et remettre les colis aux familles.",
        "commune": "54329",
        "start_date": timezone.localdate().isoformat(),
        "volunteers_needed": 4,
        **overrides,
    }


def post(client, token, url, body=None):
    return client.post(url, body or {}, content_type="application/json", headers=bearer(token))


def patch(client, token, url, body):
    return client.patch(url, body, content_type="application/json", headers=bearer(token))


def errors(response) -> dict:
    problem = assert_problem(response, 422, "validation")
    return {error["field"]: error["detail"] for error in problem["errors"]}


def public_titles(client) -> list[str]:
    return [mission["title"] for mission in client.get(PUBLIC).json()["results"]]


# --- creating ------------------------------------------------------------------------------------------------------


def test_a_mission_is_created_as_a_draft_of_the_tokens_organisation(client, token):
    response = post(client, token, URL, valid(skills="Permis B", schedule="Le samedi"))
    assert response.status_code == 201, response.content
    created = response.json()
    assert set(created) == MISSION_KEYS
    mission = Mission.objects.get(pk=created["id"])
    assert (mission.association, mission.status, mission.commune_id) == (
        token.organisation,
        MissionStatus.DRAFT,
        "54329",
    )
    assert (created["status"], created["status_label"], created["public_url"]) == ("draft", "Brouillon", None)
    assert (created["commune"], created["commune_name"], created["places_left"]) == ("54329", "Lunéville", 4)
    assert (created["skills"], created["schedule"], created["end_date"]) == ("Permis B", "Le samedi", None)
    assert public_titles(client) == []


def test_a_mission_created_with_publish_is_public_at_once(client, token):
    client.get(PUBLIC)  # the open data's answer is in the cache
    created = post(client, token, URL, valid(publish=True)).json()
    assert created["status"] == "published" and created["published_at"]
    assert created["public_url"] == f"{settings.SITE_URL}/missions/{created['id']}/"
    assert public_titles(client) == ["Distribution de colis"]


def test_a_remote_mission_needs_no_commune(client, token):
    created = post(client, token, URL, valid(commune=None, is_remote=True, domain="local_solidarity")).json()
    assert (created["is_remote"], created["commune"], created["commune_name"]) == (True, None, None)


@pytest.mark.parametrize(
    "overrides, expected",
    [
        ({"domain": "childcare"},
         {"domain": "Votre structure n'a pas déclaré ce domaine : demandez au département de l'ajouter."}),
        ({"commune": None}, {"commune": "Indiquez la commune, ou cochez « Mission à distance »."}),
        ({"commune": "54999"}, {"commune": "Aucune commune du département n'a le code INSEE « 54999 »."}),
        ({"commune": "Lunéville"}, {"commune": "Aucune commune du département n'a le code INSEE « Lunéville »."}),
        ({"start_date": (timezone.localdate() - timedelta(days=9)).isoformat(),
          "end_date": (timezone.localdate() - timedelta(days=2)).isoformat()},
         {"end_date": "Cette date est passée : une mission terminée n'a pas à être publiée."}),
        ({"start_date": "2099-01-10", "end_date": "2099-01-05"},
         {"end_date": "La fin ne peut pas précéder le début."}),
        ({"volunteers_needed": 0},
         {"volunteers_needed": "Assurez-vous que cette valeur est supérieure ou égale à 1."}),
        ({"volunteers_needed": 501},
         {"volunteers_needed": "Assurez-vous que cette valeur est inférieure ou égale à 500."}),
        ({"title": "x" * 151},
         {"title": "Assurez-vous que cette valeur comporte au plus 150 caractères (actuellement 151)."}),
        ({"title": "", "description": " "},
         {"title": "Ce champ est obligatoire.", "description": "Ce champ est obligatoire."}),
    ],
)  # fmt: skip
def test_the_forms_rules_and_messages_field_by_field(client, token, overrides, expected):
    assert errors(post(client, token, URL, valid(**overrides))) == expected
    assert not Mission.objects.exists()


@pytest.mark.parametrize(
    "body, expected",
    [
        ({k: v for k, v in valid().items() if k != "title"}, {"title": "Ce champ est obligatoire."}),
        (valid(start_date="24/03/2020"), {"start_date": "Une date au format AAAA-MM-JJ est attendue."}),
        (valid(domain="jardinage"), {"domain": "Cette valeur ne fait pas partie des valeurs possibles."}),
        (valid(volunteers_needed="beaucoup"), {"volunteers_needed": "Un nombre entier est attendu."}),
        (valid(volunteer_needed=3), {"volunteer_needed": "Ce champ n'existe pas."}),
        (valid(commune=54329), {"commune": "Une chaîne de caractères est attendue."}),
    ],
)
def test_what_is_not_of_the_right_type_is_named_field_by_field(client, token, body, expected):
    assert errors(post(client, token, URL, body)) == expected


def test_a_body_that_is_not_json_is_a_problem_not_an_error(client, token):
    response = client.post(URL, "{pas du json", content_type="application/json", headers=bearer(token))
    assert 400 <= response.status_code < 500
    assert response["Content-Type"].startswith("application/problem+json")


# --- reading -------------------------------------------------------------------------------------------------------


def test_the_list_holds_every_mission_of_the_organisation_and_no_other(client, token):
    own = [
        MissionFactory(association=token.organisation, title="Brouillon", draft=True),
        MissionFactory(association=token.organisation, title="Publiée"),
        MissionFactory(association=token.organisation, title="Close", status=MissionStatus.CLOSED),
    ]
    MissionFactory(title="D'une autre structure")
    answer = client.get(URL, headers=bearer(token)).json()
    assert answer["count"] == 3
    assert {m["id"] for m in answer["results"]} == {mission.pk for mission in own}
    assert set(answer["results"][0]) == MISSION_KEYS
    assert [m["title"] for m in client.get(URL, {"status": "closed"}, headers=bearer(token)).json()["results"]] == [
        "Close"
    ]


def test_accepted_applications_are_counted_and_the_volunteers_never_named(client, token):
    mission = MissionFactory(association=token.organisation, volunteers_needed=3)
    accepted = ApplicationFactory(mission=mission, status=ApplicationStatus.ACCEPTED, message="Je suis infirmière")
    ApplicationFactory(mission=mission, status=ApplicationStatus.PENDING)
    ApplicationFactory(mission=mission, status=ApplicationStatus.WITHDRAWN)

    for response in (client.get(URL, headers=bearer(token)), client.get(f"{URL}{mission.pk}/", headers=bearer(token))):
        content = response.content.decode()
        assert accepted.volunteer.email not in content and "infirmière" not in content
        shown = response.json()["results"][0] if "results" in response.json() else response.json()
        assert (shown["accepted_applications"], shown["places_left"]) == (1, 2)


def test_another_organisations_mission_is_a_404_like_an_unknown_one(client, token):
    other = MissionFactory(title="Chez les voisins")
    for call in (
        lambda url: client.get(url, headers=bearer(token)),
        lambda url: patch(client, token, url, {"title": "Pris"}),
        lambda url: post(client, token, f"{url}publier/"),
        lambda url: post(client, token, f"{url}clore/"),
    ):
        for mission_id in (other.pk, 999999):
            problem = assert_problem(call(f"{URL}{mission_id}/"), 404)
            assert problem["detail"] == "Aucune mission de votre structure ne porte ce numéro."
    other.refresh_from_db()
    assert (other.title, other.status) == ("Chez les voisins", MissionStatus.PUBLISHED)


# --- changing ------------------------------------------------------------------------------------------------------


def test_a_change_touches_only_the_fields_sent(client, token):
    mission = MissionFactory(association=token.organisation, title="Avant", schedule="Le matin", skills="Cuisine")
    response = patch(client, token, f"{URL}{mission.pk}/", {"title": "Après", "end_date": "2099-12-31"})
    assert response.status_code == 200, response.content
    mission.refresh_from_db()
    assert (mission.title, mission.schedule, mission.skills, str(mission.end_date)) == (
        "Après", "Le matin", "Cuisine", "2099-12-31",
    )  # fmt: skip
    assert response.json()["title"] == "Après" and mission.status == MissionStatus.PUBLISHED


def test_a_published_mission_changed_shows_changed_in_the_open_data(client, token):
    mission = MissionFactory(association=token.organisation, title="Avant")
    assert public_titles(client) == ["Avant"]
    patch(client, token, f"{URL}{mission.pk}/", {"title": "Après"})
    assert public_titles(client) == ["Après"]


def test_a_mission_moved_online_then_back_to_a_place(client, token):
    mission = MissionFactory(association=token.organisation)
    assert patch(client, token, f"{URL}{mission.pk}/", {"is_remote": True, "commune": None}).json()["commune"] is None
    assert errors(patch(client, token, f"{URL}{mission.pk}/", {"is_remote": False})) == {
        "commune": "Indiquez la commune, ou cochez « Mission à distance »."
    }
    assert (
        patch(client, token, f"{URL}{mission.pk}/", {"is_remote": False, "commune": "54547"}).json()["commune_name"]
        == "Vandœuvre-lès-Nancy"
    )


def test_fewer_volunteers_than_already_accepted_is_refused(client, token):
    mission = MissionFactory(association=token.organisation, volunteers_needed=3)
    ApplicationFactory.create_batch(2, mission=mission, status=ApplicationStatus.ACCEPTED)
    assert errors(patch(client, token, f"{URL}{mission.pk}/", {"volunteers_needed": 1})) == {
        "volunteers_needed": "2 bénévoles sont déjà acceptés : le nombre recherché ne peut pas être inférieur."
    }
    mission.refresh_from_db()
    assert mission.volunteers_needed == 3


def test_a_change_cannot_publish_nor_move_the_mission_to_another_organisation(client, token):
    mission = MissionFactory(association=token.organisation, draft=True)
    other = AssociationFactory()
    assert errors(patch(client, token, f"{URL}{mission.pk}/", {"publish": True, "association": other.pk})) == {
        "publish": "Ce champ n'existe pas.",
        "association": "Ce champ n'existe pas.",
    }
    mission.refresh_from_db()
    assert (mission.status, mission.association_id) == (MissionStatus.DRAFT, token.organisation_id)


# --- publishing and closing ----------------------------------------------------------------------------------------


def test_publish_then_close_through_the_services_and_the_open_data_follows(client, token):
    mission = MissionFactory(association=token.organisation, title="Maraude", draft=True)
    client.get(PUBLIC)

    published = post(client, token, f"{URL}{mission.pk}/publier/")
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert public_titles(client) == ["Maraude"]

    problem = assert_problem(post(client, token, f"{URL}{mission.pk}/publier/"), 409)
    assert problem["detail"] == "Cette mission est déjà publiée."

    closed = post(client, token, f"{URL}{mission.pk}/clore/")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["public_url"] is None
    assert public_titles(client) == []

    assert post(client, token, f"{URL}{mission.pk}/publier/").json()["status"] == "published"  # as in the space
    assert public_titles(client) == ["Maraude"]


def test_publishing_and_closing_are_posts_only(client, token):
    mission = MissionFactory(association=token.organisation)
    response = client.get(f"{URL}{mission.pk}/publier/", headers=bearer(token))
    assert_problem(response, 405)
    assert "POST" in response["Allow"]


# --- scopes --------------------------------------------------------------------------------------------------------


def test_a_reading_token_cannot_write_and_a_writing_token_cannot_list(client):
    reader = ApiTokenFactory(scopes=["missions:read"])
    writer = ApiTokenFactory(scopes=["missions:write"])
    problem = assert_problem(post(client, reader, URL, valid()), 403, "permission-manquante")
    assert "missions:write" in problem["detail"]
    assert_problem(client.get(URL, headers=bearer(writer)), 403, "permission-manquante")
    assert post(client, writer, URL, valid()).status_code == 201
    assert not Mission.objects.filter(association=reader.organisation).exists()


def test_a_token_of_a_requests_scope_reaches_no_mission(client):
    token = ApiTokenFactory(scopes=["requests:read", "requests:write"])
    mission = MissionFactory(association=token.organisation)
    assert_problem(client.get(f"{URL}{mission.pk}/", headers=bearer(token)), 403, "permission-manquante")


# --- query budgets -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 50])
def test_the_list_reads_a_fixed_number_of_rows(client, token, django_assert_max_num_queries, rows):
    for mission in MissionFactory.create_batch(rows, association=token.organisation):
        ApplicationFactory(mission=mission, status=ApplicationStatus.ACCEPTED)
    # The token with its organisation, its last use, the call log; the count and the page with communes and counts.
    with django_assert_max_num_queries(5):
        assert len(client.get(URL, {"page_size": 100}, headers=bearer(token)).json()["results"]) == rows


def test_a_lone_surrogate_escaped_in_the_json_is_a_problem_not_an_error(client, token):
    # "\udfff" is valid JSON but no character: PostgreSQL cannot store it.
    response = post(client, token, URL, valid(title="Colis \udfff"))
    assert_problem(response, 400)
    assert not Mission.objects.exists()
