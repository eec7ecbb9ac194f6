"""The départements the portal can serve, from the extract under core/data/territories/ (see its README).

Free of models so that the settings can validate TERRITORY and name it before Django starts.
"""

import json
from functools import cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TERRITORIES_DIR = Path(__file__).resolve().parent / "data" / "territories"


@cache
def territory_names() -> dict[str, str]:
    """Every département's name by its code: "54", "2A", "974"…"""
    index = json.loads((TERRITORIES_DIR / "index.json").read_text(encoding="utf-8"))
    return index["territories"]


def territory_file(code: str) -> Path:
    return TERRITORIES_DIR / f"{code}.json"


def territory_code(raw: str, *, setting: str = "TERRITORY") -> str:
    """The code as the data spell it ("2a" is 2A, "1" is 01), or ImproperlyConfigured naming the known codes."""
    code = raw.strip().upper()
    if code.isdigit() and len(code) == 1:
        code = code.zfill(2)
    if code not in territory_names():
        known = ", ".join(territory_names())
        hint = " (la Corse est 2A ou 2B)" if code == "20" else ""
        raise ImproperlyConfigured(f"{setting}={raw!r} n'est pas un code de département connu{hint}. Codes : {known}.")
    return code
