import pytest

from requests_app.enums import Status
from requests_app.models import HelpRequest, RequestNote
from requests_app.services import MergeNotAllowed, help_request_create, help_request_merge
from tests.accounts.factories import UserFactory
from tests.concurrency import run_at_once
from tests.requests_app.factories import HelpRequestFactory

pytestmark = pytest.mark.django_db


def file(**fields):
    return help_request_create(help_request=HelpRequestFactory.build(reference="", **fields))


def test_a_new_request_from_a_number_with_an_open_request_is_flagged_not_refused():
    first = file(requester_phone="+33612345678")
    second = file(requester_phone="+33612345678")
    assert second.pk and second.status == Status.NEW
    assert second.possible_duplicate_of == first
    assert first.possible_duplicate_of is None


def test_the_same_email_in_another_case_is_flagged_too():
    first = file(requester_phone="", requester_email="Monique@Exemple.fr")
    assert file(requester_phone="", requester_email="monique@exemple.fr").possible_duplicate_of == first


def test_a_number_known_as_beneficiary_is_flagged():
    first = file(requester_phone="+33699999999", beneficiary_phone="+33612345678")
    assert file(requester_phone="+33612345678").possible_duplicate_of == first


def test_closed_requests_and_other_numbers_do_not_flag():
    file(requester_phone="+33612345678").cancel()
    file(requester_phone="+33611111111")
    assert file(requester_phone="+33612345678").possible_duplicate_of is None


def test_merging_moves_notes_and_description_and_cancels_the_duplicate():
    staff = UserFactory(staff=True)
    original = file(requester_phone="+33612345678")
    duplicate = help_request_create(
        help_request=HelpRequestFactory.build(
            reference="", requester_phone="+33612345678", description="Aussi du pain"
        ),
        note="Rappel de la fille",
    )
    third = file(requester_phone="+33612345678")
    third.possible_duplicate_of = duplicate
    third.save(update_fields=["possible_duplicate_of"])

    help_request_merge(duplicate=duplicate, into=original, by=staff)

    duplicate.refresh_from_db()
    third.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (Status.CANCELLED, original)
    assert original.reference in duplicate.status_changes.last().note
    texts = list(RequestNote.objects.filter(help_request=original).values_list("text", flat=True))
    assert "Rappel de la fille" in texts
    assert any(duplicate.reference in text and "Aussi du pain" in text for text in texts)
    assert third.possible_duplicate_of == original


def test_merging_into_a_closed_request_or_into_itself_is_refused():
    original = file(requester_phone="+33612345678")
    duplicate = file(requester_phone="+33612345678")
    with pytest.raises(MergeNotAllowed):
        help_request_merge(duplicate=duplicate, into=duplicate, by=None)
    original.cancel()
    with pytest.raises(MergeNotAllowed):
        help_request_merge(duplicate=duplicate, into=original, by=None)
    duplicate.refresh_from_db()
    assert duplicate.status == Status.NEW


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data_kept")
def test_identical_requests_filed_at_the_same_instant_all_point_at_the_first():
    # Built here, filed in the threads: each thread only runs the service, on a connection of its own.
    filings = [
        HelpRequestFactory.build(reference="", requester_phone="+33612345678", requester_email="monique@exemple.fr")
        for _ in range(20)
    ]
    outcomes = run_at_once(*[lambda h=help_request: help_request_create(help_request=h) for help_request in filings])
    failures = [outcome for outcome in outcomes if isinstance(outcome, Exception)]

    assert failures == []
    # Saved in turn under the lock, so the first saved (the lowest id) is the one that found nothing. Not the
    # oldest `created_at`: that is stamped when a form builds the request, before it waits for its turn.
    first, *others = HelpRequest.objects.order_by("pk")
    assert len(others) == 19
    assert first.possible_duplicate_of is None
    assert {other.possible_duplicate_of_id for other in others} == {first.pk}
