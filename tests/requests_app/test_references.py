import pytest

from requests_app import references
from requests_app.models import HelpRequest
from requests_app.references import CROCKFORD_ALPHABET, REFERENCE_PATTERN, new_reference, normalise_reference
from requests_app.services import help_request_create
from tests.requests_app.factories import HelpRequestFactory

pytestmark = pytest.mark.django_db


def test_a_reference_reads_like_e54_then_two_groups_of_crockford_base32():
    reference = new_reference()
    assert REFERENCE_PATTERN.match(reference)
    assert reference.startswith("E54-")
    assert set(reference[4:].replace("-", "")) <= set(CROCKFORD_ALPHABET)
    assert not set("ILOU") & set(CROCKFORD_ALPHABET)


def test_ten_thousand_stored_requests_have_distinct_well_formed_references():
    HelpRequest.objects.bulk_create(HelpRequestFactory.build_batch(10_000), batch_size=2_000)
    references_ = list(HelpRequest.objects.order_by("pk").values_list("reference", flat=True))
    tokens = set(HelpRequest.objects.values_list("tracking_token", flat=True))

    assert len(set(references_)) == len(references_) == len(tokens) == 10_000
    assert all(REFERENCE_PATTERN.match(reference) for reference in references_)
    # Not sequential: in filing order, references are not sorted (100 sorted by chance: 1 in 100!).
    assert references_[:100] != sorted(references_[:100])
    assert not set(references_) & tokens


def test_a_reference_collision_is_drawn_again(monkeypatch):
    taken = HelpRequestFactory().reference
    draws = iter([taken, "E54-AAAA-BBBB"])
    monkeypatch.setattr("requests_app.services.new_reference", lambda: next(draws))

    help_request = help_request_create(help_request=HelpRequestFactory.build(reference=""))

    assert help_request.reference == "E54-AAAA-BBBB"
    assert HelpRequest.objects.filter(reference=taken).count() == 1


def test_the_tracking_token_is_long_and_separate_from_the_reference():
    token = references.new_tracking_token()
    assert len(token) >= 43
    assert references.new_tracking_token() != token


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("e54-7k3q-9pxd", "E54-7K3Q-9PXD"), ("E54 7K3Q 9PXD", "E54-7K3Q-9PXD"), ("7k3q9pxd", "E54-7K3Q-9PXD"),
     ("E54-7K3Q-9PXO", "E54-7K3Q-9PX0"), ("Dupont", "DUPONT")],
)  # fmt: skip
def test_references_typed_by_staff_are_normalised(typed, expected):
    assert normalise_reference(typed) == expected


@pytest.mark.parametrize(("territory", "prefix"), [("2A", "E2A-"), ("974", "E974-"), ("54", "E54-")])
def test_the_reference_prefix_is_the_territory_code(settings, territory, prefix):
    settings.TERRITORY = territory
    reference = new_reference()
    assert reference.startswith(prefix)
    assert REFERENCE_PATTERN.match(reference)


@pytest.mark.parametrize(
    ("territory", "typed", "expected"),
    [("2A", "e2a-7k3q-9pxd", "E2A-7K3Q-9PXD"), ("2A", "e2a7k3q9pxd", "E2A-7K3Q-9PXD"),
     ("2A", "7k3q 9pxd", "E2A-7K3Q-9PXD"), ("2B", "E2B 7K3Q 9PXO", "E2B-7K3Q-9PX0"),
     ("974", "e974 7k3q 9pxd", "E974-7K3Q-9PXD"), ("974", "e9747k3q9pxd", "E974-7K3Q-9PXD"),
     ("974", "7K3Q-9PXD", "E974-7K3Q-9PXD"),
     # A request filed before the territory changed keeps its own prefix.
     ("974", "e54-7k3q-9pxd", "E54-7K3Q-9PXD")],
)  # fmt: skip
def test_references_of_any_territory_are_recognised_however_typed(settings, territory, typed, expected):
    settings.TERRITORY = territory
    assert normalise_reference(typed) == expected
    assert REFERENCE_PATTERN.match(normalise_reference(typed))


def test_requests_are_found_by_the_code_an_sms_quotes():
    mine = HelpRequestFactory(reference="E54-7K3Q-9PXD")
    HelpRequestFactory(reference="E54-9PXD-7K3Q")  # the code elsewhere in a reference is not it
    assert list(HelpRequest.objects.with_reply_code("9PXD")) == [mine]
    assert mine.reply_code == "9PXD"


def test_a_code_in_an_sms_and_a_reference_in_a_search_box_read_lookalike_letters_alike():
    """One spelling for both: the letters Crockford leaves out are the digits they look like."""
    from requests_app import sms_replies

    assert sms_replies.read("OUI 9POL").code == "9P01"
    assert normalise_reference("e54 7k3q 9pol") == "E54-7K3Q-9P01"
    assert sms_replies.read("1 7K3Q-9POL").code == "9P01"  # the reference without its prefix, as copied
