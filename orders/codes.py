"""The code printed on a mission order and in its QR code (/verifier/<code>/).

Ten characters of Crockford's base 32 (the alphabet of request references, requests_app.references): 50 random
bits, read aloud or typed by an officer without confusing O and 0, I and 1. Anyone holding the paper may check it:
the code opens only the first name, the issuer and the validity, never the mission.
"""

import re
import secrets

from requests_app.references import CROCKFORD_ALPHABET, LOOKALIKE_DIGITS

CODE_LENGTH = 10
CODE_PATTERN = re.compile(rf"^[{re.escape(CROCKFORD_ALPHABET)}]{{{CODE_LENGTH}}}$")


def new_code() -> str:
    return "".join(secrets.choice(CROCKFORD_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str:
    """A code typed from the paper: any case, spaces or dashes, O for 0 and I or L for 1."""
    return typed.strip().upper().replace(" ", "").replace("-", "").translate(LOOKALIKE_DIGITS)


def grouped(code: str) -> str:
    """As printed for reading aloud: "7K3Q9 PXD2M"."""
    return f"{code[:5]} {code[5:]}"
