"""The same person at the same address, written another way: "Mme Jeanne Dupont, 3 rue des Lilas" and "DUPONT Jeanne,
3 r. des lilas". PostgreSQL's trigram similarity (pg_trgm) compares them among the open requests of one commune, and a
GIN index serves the comparison (`similar_person_index`). A match flags a possible duplicate for staff
(requests_app.services.possible_duplicate_find); it never refuses a request.

Both sides are folded by the SQL function `entraide_fold` (migration 0016): accents and case go, and so do the words
that tell neither who nor where (civilities, street types and their abbreviations, articles, "appartement", "étage"):
what remains is a name, or a number and a street's name. SQLite, the embedded default, has no pg_trgm: there, only the
same phone number or email flags a duplicate.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.lookups import TrigramSimilar
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import F, Func, Q, TextField, Value
from django.db.models.functions import Coalesce, NullIf
from django.db.models.lookups import GreaterThanOrEqual

from requests_app.enums import CLOSED_STATUSES

# Similarities of the folded texts, from 0 (no trigram in common) to 1, set on pairs staff would call the same or not.
# The name: the same person written another way stays above 0.7 ("DUPONT Jeanne" and "Mme Jeanne Dupont" 1.0, "Jeanne
# Dupond" 0.75, "Jeane" 0.8); another first name under the same surname falls below 0.6 ("Léa" and "Luc Martin" 0.57,
# "Paul" and "Pierre Martin" 0.44), as a couple at one address is two people, and so does a surname alone ("Mme
# Dupont" and "Jeanne Dupont" 0.5). Close first names pass ("Jean" and "Jeanne Dupont" 0.73): the reason is shown.
SIMILAR_NAME = 0.6
# The address, once folded, is a number and a street's name: "3 rue des Lilas" and "3 r. des lilas" 1.0, "12 av. Gal
# Leclerc" and "12 avenue du Général Leclerc" 0.62, with "appartement 12, 2e étage" added 0.57; another street of the
# commune 0.14 to 0.17. Another number in the same street passes (0.55 to 0.6): the name tells a namesake apart.
SIMILAR_ADDRESS = 0.5
# What the index's `%` operators let through (pg_trgm.similarity_threshold, set for the transaction): the lower of the
# two, each then checked on its own.
TRIGRAM_THRESHOLD = min(SIMILAR_NAME, SIMILAR_ADDRESS)

SIMILAR_PERSON_INDEX = "help_request_similar_person"


class Fold(Func):
    """The text as compared: lower case, no accents, no civility, street type or article (`entraide_fold`)."""

    function = "entraide_fold"
    output_field = TextField()


def person_folded() -> Fold:
    """The person helped: the beneficiary, or the requester when they asked for themselves."""
    return Fold(Coalesce(NullIf("beneficiary_name", Value("")), "requester_name"))


def address_folded() -> Fold:
    return Fold("address")


def open_and_named() -> Q:
    """The requests the index holds: open and not anonymised. Retention anonymises closed requests only, but an erased
    row must never be a candidate whatever happens. A query the index serves must say the same."""
    return ~Q(status__in=sorted(CLOSED_STATUSES)) & Q(anonymised_at__isnull=True)


class PostgresOnlyGinIndex(GinIndex):
    """A GIN index on PostgreSQL, nothing elsewhere. SQLite (`make run`, the smoke tests) has neither GIN nor pg_trgm
    and would fail to create it, when it migrates and each time it rebuilds the table; the search it serves does not
    run there (`trigrams_available`)."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return self.skipped
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def remove_sql(self, model, schema_editor, **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return self.skipped
        return super().remove_sql(model, schema_editor, **kwargs)

    @property
    def skipped(self) -> str:
        return f"-- {self.name}: PostgreSQL only"


def similar_person_index() -> GinIndex:
    """The commune (through btree_gin) and the two folded texts in one GIN index: one scan finds the commune's rows
    whose name and address both pass the `%` threshold, however many requests the commune has."""
    return PostgresOnlyGinIndex(
        F("commune"),
        OpClass(person_folded(), name="gin_trgm_ops"),
        OpClass(address_folded(), name="gin_trgm_ops"),
        name=SIMILAR_PERSON_INDEX,
        condition=open_and_named(),
    )


def trigrams_available() -> bool:
    return connection.vendor == "postgresql"


def comparable(help_request) -> bool:
    """Whether the request can be compared: it names a person and gives an address. Without an address, a name alone in
    a commune could be anyone's namesake."""
    return bool((help_request.beneficiary_name or help_request.requester_name or "").strip()) and bool(
        (help_request.address or "").strip()
    )


def similar_person_at_address(help_request) -> Q:
    """Requests of the same commune for a person of a similar name at a similar address (SIMILAR_NAME,
    SIMILAR_ADDRESS). The `%` operators are what the index serves; run `trigram_threshold_set` first in the
    transaction."""
    person = Fold(Value(help_request.beneficiary_name or help_request.requester_name))
    address = Fold(Value(help_request.address))
    return Q(
        open_and_named(),
        TrigramSimilar(person_folded(), person),
        TrigramSimilar(address_folded(), address),
        GreaterThanOrEqual(TrigramSimilarity(person_folded(), person), SIMILAR_NAME),
        GreaterThanOrEqual(TrigramSimilarity(address_folded(), address), SIMILAR_ADDRESS),
        commune_id=help_request.commune_id,
    )


def trigram_threshold_set() -> None:
    """The `%` operator's threshold for the rest of the transaction (the server's default is 0.3; a setting in
    postgresql.conf could make it anything)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(TRIGRAM_THRESHOLD)])
