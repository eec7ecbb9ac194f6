"""Loading of the reference data every environment needs: help types and the territory's communes.

Both loaders are idempotent: they create what is missing and update what changed, keyed on stable codes.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from core.enums import Domain, Vetting
from core.models import Arrondissement, Commune, Epci, HelpType, search_key
from core.territories import territory_file

HELP_TYPES = [
    # code, name, domain, remote_ok, needs_vehicle_hint
    ("shopping", "Courses", Domain.LOCAL_SOLIDARITY, False, True),
    ("medicine", "Médicaments", Domain.LOCAL_SOLIDARITY, False, True),
    ("meal_delivery", "Livraison de repas", Domain.LOCAL_SOLIDARITY, False, True),
    ("phone_call", "Appels de convivialité", Domain.ISOLATED_CONTACT, True, False),
    ("homework_help", "Aide aux devoirs à distance", Domain.ISOLATED_CONTACT, True, False),
    ("childcare", "Garde d'enfants", Domain.CHILDCARE, False, False),
    ("food_parcel", "Colis alimentaire", Domain.FOOD_EMERGENCY, False, True),
    ("other", "Autre besoin", Domain.LOCAL_SOLIDARITY, False, False),
]
# What a new catalogue starts with for trust and safety (staff change it in the admin): children are entrusted
# only to volunteers whose criminal-record extract staff checked; shopping and medicine may be paid in advance.
SAFETY_DEFAULTS = {
    "childcare": {"vetting": Vetting.DOCUMENT},
    "shopping": {"allows_advances": True},
    "medicine": {"allows_advances": True},
}


@dataclass
class CommuneLoadResult:
    created: int
    updated: int
    total: int


def load_help_types() -> int:
    """Creates missing help types; leaves the ones staff already edited untouched. Returns how many were created."""
    created = 0
    for position, (code, name, domain, remote_ok, needs_vehicle) in enumerate(HELP_TYPES):
        _, was_created = HelpType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "domain": domain,
                "remote_ok": remote_ok,
                "needs_vehicle_hint": needs_vehicle,
                "position": position,
                **SAFETY_DEFAULTS.get(code, {}),
            },
        )
        created += was_created
    return created


@transaction.atomic
def load_communes(departement: str, path: Path | None = None) -> CommuneLoadResult:
    """Loads one département's communes, with the EPCIs and arrondissements they belong to."""
    path = path or territory_file(departement)
    data = json.loads(path.read_text(encoding="utf-8"))
    if data["departement"] != departement:
        raise ValueError(f"{path} holds département {data['departement']}, not {departement}.")

    for arrondissement in data["arrondissements"]:
        Arrondissement.objects.update_or_create(code=arrondissement["code"], defaults={"name": arrondissement["name"]})
    for epci in data["epcis"]:
        Epci.objects.update_or_create(siren=epci["siren"], defaults={"name": epci["name"]})

    existing = Commune.objects.in_departement(departement).in_bulk()
    to_create, to_update = [], []
    for row in data["communes"]:
        commune = existing.get(row["insee"]) or Commune(insee=row["insee"])
        values = {
            "name": row["name"],
            "postal_codes": " ".join(row["postal_codes"]),
            "departement": departement,
            "epci_id": row["epci"],
            "arrondissement_id": row["arrondissement"],
            "population": row["population"],
        }
        if commune.pk in existing and all(getattr(commune, field) == value for field, value in values.items()):
            continue
        for field, value in values.items():
            setattr(commune, field, value)
        commune.search_name = search_key(commune.name)
        (to_update if commune.pk in existing else to_create).append(commune)

    Commune.objects.bulk_create(to_create, batch_size=500)
    Commune.objects.bulk_update(
        to_update,
        ["name", "search_name", "postal_codes", "departement", "epci", "arrondissement", "population"],
        batch_size=500,
    )
    return CommuneLoadResult(
        created=len(to_create), updated=len(to_update), total=Commune.objects.in_departement(departement).count()
    )
