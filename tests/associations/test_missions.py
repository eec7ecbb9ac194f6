import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from associations.enums import MemberRole, MissionStatus
from associations.models import Mission
from core.models import Commune
from tests.associations.factories import ApplicationFactory, AssociationFactory, MissionFactory, member_of

pytestmark = pytest.mark.django_db
LIST = "/missions/"


def listed(client, **params) -> set[str]:
    return {mission.title for mission in client.get(LIST, params).context["page"]}


def mission_data(**overrides):
    data = {
        "title": "Courses pour les aînés",
        "domain": "local_solidarity",
        "description": "Faire les courses une fois par semaine.",
        "commune": "Toul",
        "start_date": (timezone.localdate() + timedelta(days=3)).isoformat(),
        "end_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "volunteers_needed": "3",
        "skills": "Permis B",
        "schedule": "Samedi matin",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_a_member_creates_a_draft_then_publishes_it(client):
    association = AssociationFactory()
    member_of(association, client, role=MemberRole.MEMBER)

    response = client.post(reverse("associations:mission_new", args=[association.pk]), mission_data())
    mission = Mission.objects.get()
    assert response.status_code == 302
    assert (mission.status, mission.commune.insee, mission.volunteers_needed) == (MissionStatus.DRAFT, "54528", 3)
    assert mission.title not in html.unescape(client.get(LIST).content.decode())

    client.post(reverse("associations:mission_action", args=[association.pk, mission.pk, "publier"]))
    mission.refresh_from_db()
    assert mission.status == MissionStatus.PUBLISHED and mission.published_at
    assert mission.title in html.unescape(client.get(LIST).content.decode())


def test_a_member_edits_closes_and_duplicates_a_mission(client):
    mission = MissionFactory()
    member_of(mission.association, client)
    pk = mission.association.pk

    client.post(reverse("associations:mission_edit", args=[pk, mission.pk]), mission_data(title="Courses du mardi"))
    mission.refresh_from_db()
    assert mission.title == "Courses du mardi"

    client.post(reverse("associations:mission_action", args=[pk, mission.pk, "dupliquer"]))
    copy = Mission.objects.exclude(pk=mission.pk).get()
    assert (copy.title, copy.status, copy.description) == (
        "Courses du mardi (copie)",
        MissionStatus.DRAFT,
        mission.description,
    )

    client.post(reverse("associations:mission_action", args=[pk, mission.pk, "clore"]))
    mission.refresh_from_db()
    assert mission.status == MissionStatus.CLOSED
    assert client.get(f"/missions/{mission.pk}/").status_code == 404


@pytest.mark.parametrize("trait", ["pending", "suspended"])
def test_an_organisation_not_validated_cannot_publish(client, trait):
    association = AssociationFactory(**{trait: True})
    mission = MissionFactory(association=association, draft=True)
    member_of(association, client)

    response = client.post(
        reverse("associations:mission_action", args=[association.pk, mission.pk, "publier"]), follow=True
    )

    mission.refresh_from_db()
    assert mission.status == MissionStatus.DRAFT
    assert "doit être validée" in html.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "Ce champ est obligatoire"),
        ({"commune": ""}, "commune", "cochez « Mission à distance »"),
        ({"commune": "Atlantis"}, "commune", "Commune inconnue"),
        (
            {"end_date": (timezone.localdate() + timedelta(days=1)).isoformat()},
            "end_date",
            "La fin ne peut pas précéder",
        ),
        ({"start_date": "32/13/2026"}, "start_date", "Saisissez une date valide"),
        ({"volunteers_needed": "0"}, "volunteers_needed", "supérieure ou égale à 1"),
        ({"volunteers_needed": "501"}, "volunteers_needed", "inférieure ou égale à 500"),
        ({"domain": "cooking"}, "domain", "n'a pas déclaré ce domaine"),
        ({"description": "d" * 5001}, "description", "au plus 5000 caractères"),
    ],
)
def test_bad_mission_input_is_explained_and_kept(client, overrides, field, message):
    association = AssociationFactory()
    member_of(association, client)
    data = mission_data(**overrides)
    response = client.post(reverse("associations:mission_new", args=[association.pk]), data)
    content = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert message in content and f"id_{field}" in content
    assert not Mission.objects.exists()
    if "skills" not in overrides:
        assert data["skills"] in content


def test_a_remote_mission_needs_no_commune(client):
    association = AssociationFactory()
    member_of(association, client)
    client.post(reverse("associations:mission_new", args=[association.pk]), mission_data(commune="", is_remote="on"))
    assert Mission.objects.get().is_remote


def test_the_public_list_shows_only_live_published_missions_of_validated_organisations(client):
    MissionFactory(title="visible")
    MissionFactory(title="brouillon", draft=True)
    MissionFactory(title="close", status=MissionStatus.CLOSED)
    MissionFactory(title="structure en attente", association=AssociationFactory(pending=True))
    MissionFactory(title="structure suspendue", association=AssociationFactory(suspended=True))
    MissionFactory(
        title="terminée",
        start_date=timezone.localdate() - timedelta(days=10),
        end_date=timezone.localdate() - timedelta(days=1),
    )
    assert listed(client) == {"visible"}


def test_filters_return_exactly_the_right_missions(client):
    toul, luneville = Commune.objects.get(insee="54528"), Commune.objects.get(insee="54329")
    today = timezone.localdate()
    MissionFactory(title="colis Toul", commune=toul, domain="food_emergency")
    MissionFactory(title="courses Lunéville", commune=luneville, domain="local_solidarity")
    MissionFactory(title="appels", commune=None, is_remote=True, domain="isolated_contact")
    MissionFactory(title="plus tard", commune=toul, start_date=today + timedelta(days=30))
    MissionFactory(title="garde", commune=luneville, domain="childcare", description="Enfants de soignants")

    assert listed(client, domain="food_emergency") == {"colis Toul", "plus tard"}
    assert listed(client, commune="Toul") == {"colis Toul", "plus tard"}
    assert listed(client, commune="54300") == set()  # several communes share it: the form asks which
    assert "Indiquez le nom de la commune" in html.unescape(client.get(LIST, {"commune": "54300"}).content.decode())
    assert listed(client, epci=luneville.epci_id) == {"courses Lunéville", "garde"}
    assert listed(client, remote="oui") == {"appels"}
    assert listed(client, remote="non") == {"colis Toul", "courses Lunéville", "plus tard", "garde"}
    assert listed(client, available_on=today.isoformat()) == {"colis Toul", "courses Lunéville", "appels", "garde"}
    assert listed(client, q="soignants") == {"garde"}
    assert listed(client, domain="food_emergency", commune="Toul", available_on=today.isoformat()) == {"colis Toul"}


@pytest.mark.parametrize(
    "params",
    [{"commune": "<script>"}, {"available_on": "hier"}, {"epci": "abc"}, {"page": "999"}, {"page": "x"},
     {"domain": "x" * 300}, {"q": "x" * 500}],
)  # fmt: skip
def test_hostile_list_parameters_get_a_page_not_an_error(client, params):
    MissionFactory()
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_the_list_is_paginated_and_its_queries_do_not_grow_with_missions(client):
    counts = []
    for batch in (3, 40):
        MissionFactory.create_batch(batch)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert len(response.context["page"]) == 20
    assert response.context["page"].paginator.count == 43
    assert len(client.get(LIST, {"page": 3}).context["page"]) == 3


def test_the_detail_page_says_when_a_mission_is_full(client):
    mission = MissionFactory(volunteers_needed=1)
    ApplicationFactory(mission=mission, status="accepted")
    content = client.get(f"/missions/{mission.pk}/").content.decode()
    assert "Cette mission est complète" in content
    assert "1 sur 1 recherchés" in content


def test_mission_detail_queries_are_bounded(client, django_assert_max_num_queries):
    mission = MissionFactory()
    ApplicationFactory.create_batch(3, mission=mission)
    with django_assert_max_num_queries(3):
        client.get(f"/missions/{mission.pk}/")


def test_editing_a_mission_shows_its_commune_as_people_read_it_and_saves_unchanged(client):
    mission = MissionFactory(domain="food_emergency")
    member_of(mission.association, client)
    url = reverse("associations:mission_edit", args=[mission.association.pk, mission.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["start_date"], data["is_remote"] = mission.start_date.isoformat(), ""
    assert 'value="Nancy (54000)"' in client.get(url).content.decode()
    response = client.post(url, {**data, "commune": form["commune"].value()})
    assert response.status_code == 302


def test_a_mission_can_be_neither_below_its_accepted_volunteers_nor_outside_declared_domains(client):
    mission = MissionFactory(volunteers_needed=2)
    ApplicationFactory.create_batch(2, mission=mission, status="accepted")
    member_of(mission.association, client)
    url = reverse("associations:mission_edit", args=[mission.association.pk, mission.pk])
    response = client.post(url, mission_data(volunteers_needed="1", domain="food_emergency", end_date=""))
    assert response.status_code == 400
    assert "2 bénévoles sont déjà acceptés" in html.unescape(response.content.decode())
    response = client.post(url, mission_data(domain="childcare", end_date=""))
    assert "n'a pas déclaré ce domaine" in html.unescape(response.content.decode())
    response = client.post(url, mission_data(domain="food_emergency", start_date="2020-03-01", end_date="2020-03-31"))
    assert "Cette date est passée" in html.unescape(response.content.decode())
    mission.refresh_from_db()
    assert mission.volunteers_needed == 2


def test_a_new_mission_offers_only_the_domains_the_organisation_declared(client):
    association = AssociationFactory()  # food emergency and local solidarity
    member_of(association, client)
    url = reverse("associations:mission_new", args=[association.pk])
    content = html.unescape(client.get(url).content.decode())
    assert 'value="food_emergency"' in content and 'value="local_solidarity"' in content
    assert 'value="childcare"' not in content and 'value="isolated_contact"' not in content
    assert "Choisissez un domaine" in content and "---------" not in content

    # A domain forged into the request is a mistake explained on the form, which keeps what was typed.
    response = client.post(url, mission_data(domain="childcare", title="Garde du mercredi"))
    content = html.unescape(response.content.decode())
    assert "Votre structure n'a pas déclaré ce domaine" in content and "Garde du mercredi" in content
    assert response.templates[0].name == "associations/mission_form.html"
    assert not Mission.objects.exists()


def test_the_mission_actions_look_alike(client):
    mission = MissionFactory()
    member_of(mission.association, client)
    content = client.get(reverse("associations:space", args=[mission.association.pk])).content.decode()
    # "Modifier" is a link, "Dupliquer" and "Clore" are buttons of forms: all three wear the same classes.
    classes = {
        label: re.search(rf'<(?:a|button) class="([^"]+)"[^>]*>{label}</(?:a|button)>', content).group(1)
        for label in ("Modifier", "Dupliquer", "Clore")
    }
    assert len(set(classes.values())) == 1 and "btn" in classes["Modifier"], classes
