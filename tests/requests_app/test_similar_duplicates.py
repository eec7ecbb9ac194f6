"""Duplicates beyond the exact phone or email: a similar name and address in the same commune
(requests_app/similarity.py), flagged for staff with the reason, never refused."""

from datetime import timedelta

import factory
import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import Commune, HelpType
from requests_app.enums import DuplicateReason, Status
from requests_app.models import HelpRequest
from requests_app.retention import closed_requests_anonymise
from requests_app.services import help_request_create, possible_duplicate_search
from requests_app.similarity import SIMILAR_PERSON_INDEX
from tests.concurrency import run_at_once
from tests.requests_app.factories import HelpRequestFactory, valid_form_data

pytestmark = pytest.mark.django_db

NANCY, LAXOU = "54395", "54304"


def build(name="Mme Jeanne Dupont", address="3 rue des Lilas", insee=NANCY, **fields):
    """A request from a phone number of its own, unless told otherwise: only the name and address can match."""
    return HelpRequestFactory.build(
        reference="", requester_name=name, address=address, commune=Commune.objects.get(insee=insee), **fields
    )


def file(*args, **fields):
    return help_request_create(help_request=build(*args, **fields))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("Mme Jeanne Dupont", "3 rue des Lilas"), ("DUPONT Jeanne", "3 r. des lilas")),
        (("Hélène Lefèvre", "8 place Stanislas"), ("HELENE LEFEVRE", "8 pl. Stanislas")),
        (("Jeanne Dupont", "12 avenue du Général Leclerc"), ("Jeanne Dupond", "12 av. Gal Leclerc")),
        (("Jeanne Dupont", "3 rue des Lilas"), ("Jeane Dupont", "3, rue des Lilas, appartement 12")),
        (("Jeanne Dupont", "14 rue Saint-Dizier"), ("M. Dupont Jeanne", "14 rue St Dizier")),
    ],
)
def test_the_same_person_written_another_way_at_the_same_address_is_flagged_not_refused(first, second):
    original = file(*first)
    again = file(*second)

    assert again.pk and again.status == Status.NEW
    assert (again.possible_duplicate_of, again.duplicate_reason) == (original, DuplicateReason.SIMILAR)
    assert (original.possible_duplicate_of, original.duplicate_reason) == (None, "")


def test_the_person_helped_is_compared_not_whoever_asked():
    original = file("Paul Dupont", beneficiary_name="Mme Jeanne Dupont", requester_relation="relative")
    assert file("DUPONT Jeanne").possible_duplicate_of == original
    # A social worker asking for two residents of one building: two people.
    file("Claire Masson", beneficiary_name="Odette Richard", address="5 rue Pasteur")
    assert (
        file("Claire Masson", beneficiary_name="Lucien Moreau", address="5 rue Pasteur").possible_duplicate_of is None
    )


def test_the_same_person_in_another_commune_is_not_flagged():
    file(insee=NANCY)
    assert file(insee=LAXOU).possible_duplicate_of is None


@pytest.mark.parametrize("other", ["Marcel Dupont", "Léa Dupont", "Paul Martin"])
def test_another_person_at_the_same_address_is_not_flagged(other):
    # A couple, a mother and her daughter, a lodger: one address, two people, each with her own request.
    file("Jeanne Dupont")
    assert file(other, address="3 r. des Lilas").possible_duplicate_of is None


@pytest.mark.parametrize("elsewhere", ["12 rue de la Gare", "3 rue des Roses", "40 boulevard Foch"])
def test_a_namesake_at_another_address_is_not_flagged(elsewhere):
    file("Jeanne Dupont")
    assert file("Jeanne Dupont", address=elsewhere).possible_duplicate_of is None


def test_closed_and_anonymised_requests_are_not_candidates():
    file().cancel()  # closed today: its name and address are still there
    long_done = timezone.now() - timedelta(days=settings.RETENTION_DAYS + 1)
    HelpRequestFactory(
        done=True, requester_name="Jeanne Dupont", address="3 rue des Lilas", status_changed_at=long_done
    )
    assert closed_requests_anonymise() == 1
    # Open, yet anonymised: retention never leaves one so, and the search does not count on it.
    HelpRequestFactory(requester_name="Jeanne Dupont", address="3 rue des Lilas", anonymised_at=timezone.now())

    assert file("DUPONT Jeanne", "3 r. des lilas").possible_duplicate_of is None


def test_empty_names_and_addresses_never_match():
    # The factory's requests have no address: a name alone in a commune may be a namesake's.
    HelpRequestFactory(requester_name="Jeanne Dupont")
    assert file("Jeanne Dupont", address="").possible_duplicate_of is None
    assert file("Jeanne Dupont", address="3 rue des Lilas").possible_duplicate_of is None
    # What is left once civilities and street words are folded away is nothing: nothing to compare.
    file("Mme", address="rue")
    assert file("Madame", address="Rue").possible_duplicate_of is None


def test_the_same_contact_wins_over_a_similar_name_even_filed_later():
    similar = file("Jeanne Dupont")
    same_number = file("Marcel Petit", address="40 boulevard Foch", requester_phone="+33612345678")
    again = file("DUPONT Jeanne", requester_phone="+33612345678")

    assert similar.pk < same_number.pk
    assert (again.possible_duplicate_of, again.duplicate_reason) == (same_number, DuplicateReason.CONTACT)


def test_a_request_on_the_public_form_like_an_open_one_is_filed_and_flagged(client):
    original = file("Monique Petit", "12 rue des Lilas", insee="54547")
    response = client.post("/demandes/nouvelle/", valid_form_data(requester_name="PETIT Monique"))

    assert response.status_code == 302
    filed = HelpRequest.objects.exclude(pk=original.pk).get()
    assert (filed.possible_duplicate_of, filed.duplicate_reason) == (original, DuplicateReason.SIMILAR)


def test_filing_makes_one_query_more_than_a_search_by_contact_alone():
    file("Jeanne Dupont")

    def queries(address: str) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            help_request_create(help_request=build("Marcel Petit", address=address))
        return [query["sql"] for query in captured]

    # Without an address, the contact alone is searched: the locks (one query for every key), the search. With one,
    # the trigram threshold too, and the same single search for both kinds.
    contact_only, both = queries(""), queries("40 boulevard Foch")
    assert len(both) == len(contact_only) + 1
    assert [sql for sql in both if "similarity_threshold" in sql] != []
    assert len([sql for sql in both if "pg_advisory_xact_lock" in sql]) == 1


def test_the_search_is_served_by_the_trigram_index():
    names = [
        f"{first} {last}"
        for first in ("Jeanne", "Marcel", "Odette", "Lucien", "Léa", "Karim", "Fatima")
        for last in ("Dupont", "Martin", "Petit", "Richard", "Moreau", "Lambert", "Girard", "Bonnet", "Roux")
    ]
    addresses = [
        f"{number} {street}"
        for number in range(1, 60)
        for street in ("rue des Lilas", "rue de la Gare", "boulevard Foch", "rue Stanislas", "place Carnot")
    ]
    HelpRequest.objects.bulk_create(
        HelpRequestFactory.build_batch(
            3000,
            commune=Commune.objects.get(insee=NANCY),
            help_type=HelpType.objects.get(code="shopping"),
            requester_name=factory.Iterator(names),
            address=factory.Iterator(addresses),
        )
    )  # fmt: skip
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE requests_app_helprequest")
            # Whatever the planner would choose on so small a table, the index must serve this very query.
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = possible_duplicate_search(build("DUPONT Jeanne", "3 r. des lilas"))[:1].explain()

    scan = plan[plan.index(f"Bitmap Index Scan on {SIMILAR_PERSON_INDEX}") :].splitlines()
    assert "commune_id" in scan[1] and "%" in scan[1]  # Index Cond: the commune and both texts, in the index


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data_kept")
def test_similar_requests_filed_at_the_same_instant_from_different_numbers_all_point_at_the_first():
    # The daughter on the web form, the neighbour on the phone, the CCAS: each from a number of her own. The commune's
    # lock makes them look in turn, as the contact's lock does for the same number.
    # Written so that each matches every other: similarity is not transitive ("Jeanne Dupond" and "Jeane Dupont",
    # each close to "Jeanne Dupont", are 0.59 apart), and the first filed is whichever gets the lock first.
    names = ["Mme Jeanne Dupont", "DUPONT Jeanne", "jeanne dupont", "Jeanne DUPONT", "Madame Dupont Jeanne"] * 2
    addresses = ["3 rue des Lilas", "3 r. des lilas"] * 5
    filings = [build(name, address) for name, address in zip(names, addresses, strict=True)]
    outcomes = run_at_once(*[lambda h=help_request: help_request_create(help_request=h) for help_request in filings])

    assert [outcome for outcome in outcomes if isinstance(outcome, Exception)] == []
    first, *others = HelpRequest.objects.order_by("pk")
    assert first.possible_duplicate_of is None
    assert {(other.possible_duplicate_of_id, other.duplicate_reason) for other in others} == {
        (first.pk, DuplicateReason.SIMILAR)
    }


def test_staff_see_why_each_request_was_flagged(client, staff):
    original = file("Mme Jeanne Dupont")
    similar = file("DUPONT Jeanne", "3 r. des lilas")
    same_number = file("Marcel Petit", "40 boulevard Foch", requester_phone=original.requester_phone)

    listed = client.get("/admin/requests_app/helprequest/?file=doublons").content.decode()
    assert f'{original.reference} <span class="entraide-mark" title="nom et adresse proches">' in listed
    assert f'{original.reference} <span class="entraide-mark" title="même téléphone ou courriel">' in listed
    page = client.get(f"/admin/requests_app/helprequest/{similar.pk}/change/").content.decode()
    assert "Motif du doublon possible" in page and "nom et adresse proches" in page
    page = client.get(f"/admin/requests_app/helprequest/{same_number.pk}/change/").content.decode()
    assert "même téléphone ou courriel" in page
