"""Public references and tracking tokens of help requests.

A reference is read aloud on the phone and copied by hand: Crockford's base 32 leaves out I, L, O and U,
which are mistaken for 1, 0 and V. It is random, never sequential, so it reveals neither the volume of
requests nor a neighbour's reference. The tracking token is separate and long: knowing a reference (said
on the phone, written on a note) must not give access to the tracking page.
"""

import re
import secrets

from django.conf import settings

CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# E, the territory's code (54, 2A, 974), then two groups of four.
REFERENCE_PATTERN = re.compile(r"^E(?:\d{2,3}|2[AB])-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
# The same once spaces and dashes are gone, the prefix optional: the body is always eight characters, which tells
# E974 + 8 from E97 + 9 and keeps a typed prefix of another territory (a request filed before TERRITORY changed).
TYPED_PATTERN = re.compile(r"^(?:(?P<prefix>E(?:\d{2,3}|2[AB])))?(?P<body>[0-9A-Z]{8})$")
# The letters the alphabet leaves out, typed or heard for the digits they look like: read as those digits, wherever
# a reference or its code is read (a search box, an SMS answering "OUI 9POX").
LOOKALIKE_DIGITS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_reference() -> str:
    random_part = "".join(secrets.choice(CROCKFORD_ALPHABET) for _ in range(8))
    return f"E{settings.TERRITORY}-{random_part[:4]}-{random_part[4:]}"


def normalise_reference(typed: str) -> str:
    """What staff type in a search box: lower case, spaces or no dashes, the letters Crockford reads as digits."""
    cleaned = typed.strip().upper().replace(" ", "")
    match = TYPED_PATTERN.match(cleaned.replace("-", ""))
    if not match:
        return cleaned
    prefix = match["prefix"] or f"E{settings.TERRITORY}"
    body = match["body"].translate(LOOKALIKE_DIGITS)
    return f"{prefix}-{body[:4]}-{body[4:]}"


def spoken(reference: str) -> str:
    """The reference as an agent reads it aloud for the caller to write down, a character at a time, group by group:
    "E 54 – 7 K 3 Q – 9 P X D" (the territory's number said as a number)."""
    prefix, *groups = reference.split("-")
    territory = re.findall(r"\d+|[A-Z]", prefix[1:])
    return " – ".join([" ".join([prefix[0], *territory]), *(" ".join(group) for group in groups)])


def new_tracking_token() -> str:
    return secrets.token_urlsafe(32)
