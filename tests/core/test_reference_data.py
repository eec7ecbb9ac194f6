import json

import pytest
from django.core.management import call_command

from core.enums import Domain, Proximity
from core.models import Arrondissement, Commune, Epci, HelpType
from core.reference_data import load_communes, load_help_types
from tests.core.factories import commune

NANCY, VANDOEUVRE, LUNEVILLE, POMPEY = "54395", "54547", "54329", "54430"

pytestmark = pytest.mark.django_db


def test_the_departement_holds_exactly_591_current_communes_each_with_epci_and_arrondissement():
    communes = Commune.objects.in_departement("54")
    assert communes.count() == 591
    assert not communes.filter(epci__isnull=True).exists()
    assert not communes.filter(arrondissement__isnull=True).exists()
    assert set(Arrondissement.objects.values_list("code", flat=True)) == {"541", "542", "543", "544"}
    assert Epci.objects.count() == 20


def test_a_commune_carries_its_official_codes():
    nancy = commune(NANCY)
    assert nancy.name == "Nancy"
    assert nancy.postal_code_list == ["54000", "54100"]
    assert nancy.epci.name == "Métropole du Grand Nancy"
    assert nancy.arrondissement.name == "Nancy"
    assert str(nancy) == "Nancy (54000)"


def test_loading_the_reference_data_twice_creates_nothing_more(capsys):
    call_command("load_reference_data")
    assert "591 (0 créées, 0 mises à jour)" in capsys.readouterr().out
    assert Commune.objects.count() == 591
    assert HelpType.objects.count() == 8


def test_reloading_restores_an_edited_commune_without_touching_help_types_edited_by_staff():
    Commune.objects.filter(insee=NANCY).update(name="Nanci", population=1)
    HelpType.objects.filter(code="shopping").update(name="Courses alimentaires")

    result = load_communes("54")
    load_help_types()

    assert (result.created, result.updated) == (0, 1)
    assert commune(NANCY).name == "Nancy"
    assert commune(NANCY).search_name == "nancy"
    assert HelpType.objects.get(code="shopping").name == "Courses alimentaires"


def test_another_departement_loads_from_its_own_file(tmp_path):
    path = tmp_path / "communes-99.json"
    path.write_text(
        json.dumps(
            {
                "departement": "99",
                "arrondissements": [{"code": "991", "name": "Nord"}],
                "epcis": [{"siren": "200000001", "name": "CC d'essai"}],
                "communes": [
                    {"insee": "99001", "name": "Alpha", "postal_codes": ["99100"], "epci": "200000001",
                     "arrondissement": "991", "population": 10},
                    {"insee": "99002", "name": "Bêta", "postal_codes": ["99200"], "epci": "200000001",
                     "arrondissement": "991", "population": None},
                ],
            }
        ),
        encoding="utf-8",
    )  # fmt: skip
    result = load_communes("99", path)
    assert (result.created, result.total) == (2, 2)
    assert Commune.objects.in_departement("54").count() == 591
    assert commune("99001").proximity_to(commune("99002")) == Proximity.SAME_EPCI


def test_a_file_of_another_departement_is_refused(tmp_path):
    path = tmp_path / "communes-54.json"
    path.write_text(json.dumps({"departement": "57", "arrondissements": [], "epcis": [], "communes": []}))
    with pytest.raises(ValueError, match="57"):
        load_communes("54", path)


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (NANCY, NANCY, Proximity.SAME_COMMUNE),
        (NANCY, VANDOEUVRE, Proximity.SAME_EPCI),
        (NANCY, POMPEY, Proximity.SAME_ARRONDISSEMENT),
        (NANCY, LUNEVILLE, Proximity.SAME_DEPARTEMENT),
        (LUNEVILLE, VANDOEUVRE, Proximity.SAME_DEPARTEMENT),
    ],
)
def test_proximity_tiers_between_real_communes(first, second, expected):
    assert commune(first).proximity_to(commune(second)) == expected
    assert commune(second).proximity_to(commune(first)) == expected


def test_proximity_is_ordered_from_nearest_to_farthest():
    assert Proximity.SAME_COMMUNE < Proximity.SAME_EPCI < Proximity.SAME_ARRONDISSEMENT < Proximity.SAME_DEPARTEMENT


def test_proximity_costs_no_query(django_assert_num_queries):
    nancy, luneville = commune(NANCY), commune(LUNEVILLE)
    with django_assert_num_queries(0):
        nancy.proximity_to(luneville)


@pytest.mark.parametrize("typed", ["vandoeuvre", "Vandœuvre-lès", "VANDOEUVRE LES NANCY", "54500"])
def test_communes_are_found_by_name_without_accents_or_by_postal_code(typed):
    assert commune(VANDOEUVRE) in Commune.objects.search(typed)


def test_a_search_puts_names_that_start_with_the_text_first():
    assert Commune.objects.search("nancy").first().insee == NANCY


@pytest.mark.parametrize("typed", ["", "   ", "--"])
def test_an_empty_search_finds_nothing(typed):
    assert not Commune.objects.search(typed).exists()


def test_every_help_type_belongs_to_one_of_the_four_domains():
    help_types = {h.code: h for h in HelpType.objects.all()}
    assert set(help_types) == {
        "shopping", "medicine", "meal_delivery", "phone_call", "homework_help", "childcare", "food_parcel", "other",
    }  # fmt: skip
    assert {h.domain for h in help_types.values()} == set(Domain.values)
    assert help_types["phone_call"].remote_ok and help_types["homework_help"].remote_ok
    assert not help_types["shopping"].remote_ok and help_types["shopping"].needs_vehicle_hint
    assert help_types["childcare"].domain == Domain.CHILDCARE
