"""Extract the current communes of one département from @etalab/decoupage-administratif.

Usage:
    python scripts/extract_communes.py PATH_TO_PACKAGE_DATA_DIR DEPARTEMENT > core/data/communes-DEPARTEMENT.json

PATH_TO_PACKAGE_DATA_DIR is the ``data`` folder of the unpacked npm package (it holds communes.json,
epci.json and arrondissements.json). The result is a JSON document with one commune per line, sorted by
INSEE code. Anything that cannot be resolved (a commune without EPCI or arrondissement) is reported on
stderr and written as null; nothing is invented.
"""

import argparse
import json
import sys
from pathlib import Path

DATA_FILES = ("communes.json", "epci.json", "arrondissements.json")
LICENCE = (
    "Data: Licence Ouverte 2.0 / Open Licence 2.0 (Etalab) - INSEE Code officiel géographique, DGCL EPCI list, "
    "La Poste postal codes, INSEE legal populations. Package code: MIT."
)


def load(data_dir: Path, name: str):
    with (data_dir / name).open(encoding="utf-8") as f:
        return json.load(f)


def package_label(data_dir: Path) -> str:
    package_json = data_dir.parent / "package.json"
    if package_json.is_file():
        meta = json.loads(package_json.read_text(encoding="utf-8"))
        package = f"{meta['name']} {meta['version']}"
    else:
        package = "@etalab/decoupage-administratif (unknown version)"
    return f"{package} ({', '.join(f'data/{name}' for name in DATA_FILES)})"


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def extract(data_dir: Path, departement: str) -> dict:
    communes = [
        c
        for c in load(data_dir, "communes.json")
        if c["type"] == "commune-actuelle" and c["departement"] == departement
    ]
    if not communes:
        sys.exit(f"error: no current commune found for département {departement!r}")
    communes.sort(key=lambda c: c["code"])
    codes = {c["code"] for c in communes}

    # The package's communes carry no EPCI field: membership comes from epci.json "membres".
    epci_names = {}
    epci_of = {}
    for epci in load(data_dir, "epci.json"):
        for member in epci["membres"]:
            if member["code"] not in codes:
                continue
            if member["code"] in epci_of:
                sys.exit(f"error: commune {member['code']} belongs to several EPCIs")
            epci_of[member["code"]] = epci["code"]
            epci_names[epci["code"]] = epci["nom"]

    arrondissements = {
        a["code"]: a["nom"] for a in load(data_dir, "arrondissements.json") if a["departement"] == departement
    }

    rows = []
    for c in communes:
        epci = epci_of.get(c["code"])
        if epci is None:
            warn(f"commune {c['code']} {c['nom']} has no EPCI")
        arrondissement = c.get("arrondissement")
        if arrondissement not in arrondissements:
            warn(f"commune {c['code']} {c['nom']} has no known arrondissement ({arrondissement!r})")
            arrondissement = None
        rows.append(
            {
                "insee": c["code"],
                "name": c["nom"],
                "postal_codes": sorted(c.get("codesPostaux", [])),
                "epci": epci,
                "arrondissement": arrondissement,
                "population": c.get("population"),
            }
        )

    return {
        "source": package_label(data_dir),
        "licence": LICENCE,
        "departement": departement,
        "arrondissements": [{"code": code, "name": name} for code, name in sorted(arrondissements.items())],
        "epcis": [{"siren": siren, "name": name} for siren, name in sorted(epci_names.items())],
        "communes": rows,
    }


def dumps(document: dict) -> str:
    """Serialise with one list item per line, so that diffs stay readable."""
    parts = []
    for key, value in document.items():
        if isinstance(value, list):
            items = ",\n".join(json.dumps(item, ensure_ascii=False) for item in value)
            parts.append(f"{json.dumps(key)}: [\n{items}\n]")
        else:
            parts.append(f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path, help="the data/ folder of the unpacked npm package")
    parser.add_argument("departement", help="département code, e.g. 54, 2A or 971")
    args = parser.parse_args()
    sys.stdout.reconfigure(encoding="utf-8")
    sys.stdout.write(dumps(extract(args.data_dir, args.departement)))


if __name__ == "__main__":
    main()
