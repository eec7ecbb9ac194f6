"""Extract the current communes of every département from @etalab/decoupage-administratif.

Usage:
    python scripts/extract_communes.py PATH_TO_PACKAGE_DATA_DIR core/data/territories

PATH_TO_PACKAGE_DATA_DIR is the ``data`` folder of the unpacked npm package (it holds communes.json, epci.json,
arrondissements.json and departements.json). The script writes one ``<code>.json`` per département (the 96 of
metropolitan France, Corsica's 2A and 2B included, and the five overseas départements 971 to 976) and an
``index.json`` naming them. Each file holds one commune per line, sorted by INSEE code. Anything that cannot be
resolved (a commune without EPCI or arrondissement) is reported on stderr and written as null; nothing is invented.
"""

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

DATA_FILES = ("communes.json", "epci.json", "arrondissements.json", "departements.json")
# The overseas collectivities (975, 977, 978, 984, 986 to 989) are not départements: no EPCI, no arrondissement.
DEPARTEMENT_ZONES = {"metro", "drom"}
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


def extract(data_dir: Path) -> tuple[dict[str, str], dict[str, dict]]:
    """Returns the départements' names by code and, by code, the document of each département."""
    names = {d["code"]: d["nom"] for d in load(data_dir, "departements.json") if d["zone"] in DEPARTEMENT_ZONES}

    communes_of = defaultdict(list)
    for c in load(data_dir, "communes.json"):
        if c["type"] == "commune-actuelle" and c["departement"] in names:
            communes_of[c["departement"]].append(c)
    if missing := set(names) - set(communes_of):
        sys.exit(f"error: no current commune found for département(s) {sorted(missing)}")

    # The package's communes carry no EPCI field: membership comes from epci.json "membres".
    epci_of, epci_names = {}, {}
    for epci in load(data_dir, "epci.json"):
        epci_names[epci["code"]] = epci["nom"]
        for member in epci["membres"]:
            if member["code"] in epci_of:
                sys.exit(f"error: commune {member['code']} belongs to several EPCIs")
            epci_of[member["code"]] = epci["code"]

    arrondissements_of = defaultdict(dict)
    for a in load(data_dir, "arrondissements.json"):
        arrondissements_of[a["departement"]][a["code"]] = a["nom"]

    label = package_label(data_dir)
    documents = {}
    for code, name in names.items():
        arrondissements = arrondissements_of[code]
        rows = []
        for c in sorted(communes_of[code], key=lambda c: c["code"]):
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
        epcis = sorted({row["epci"] for row in rows if row["epci"]})
        documents[code] = {
            "source": label,
            "licence": LICENCE,
            "departement": code,
            "name": name,
            "arrondissements": [{"code": a, "name": n} for a, n in sorted(arrondissements.items())],
            "epcis": [{"siren": siren, "name": epci_names[siren]} for siren in epcis],
            "communes": rows,
        }
    return names, documents


def dumps(document: dict) -> str:
    """Serialise with one list item per line, so that diffs stay readable, and no padding, so that 101 files
    stay small."""
    parts = []
    for key, value in document.items():
        if isinstance(value, list):
            items = ",\n".join(json.dumps(item, ensure_ascii=False, separators=(",", ":")) for item in value)
            parts.append(f"{json.dumps(key)}: [\n{items}\n]")
        else:
            parts.append(f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path, help="the data/ folder of the unpacked npm package")
    parser.add_argument("out_dir", type=Path, help="where to write <code>.json and index.json")
    args = parser.parse_args()
    names, documents = extract(args.data_dir)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for code, document in documents.items():
        (args.out_dir / f"{code}.json").write_text(dumps(document), encoding="utf-8")
    index = {"source": package_label(args.data_dir), "licence": LICENCE, "territories": names}
    (args.out_dir / "index.json").write_text(json.dumps(index, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(documents)} départements written to {args.out_dir}", file=sys.stderr)


if __name__ == "__main__":
    main()
