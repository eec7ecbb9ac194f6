"""Recording a call (campaigns/calls.py): the person's state after each outcome, the request "besoin d'aide" files
in the triage queue, and who may record."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.calls import CallError, call_record
from campaigns.enums import CallOutcome, EntryState
from campaigns.services import campaign_close
from core.models import HelpType
from requests_app.enums import ContactChannel, Source, Status, Urgency
from requests_app.models import HelpRequest
from tests.accounts.factories import AgentFactory, UserFactory
from tests.campaigns.calling import running_campaign, vetted_volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def caller():
    return vetted_volunteer()


@pytest.fixture
def person(caller):
    campaign = running_campaign(callers=[caller], people=1, last_name="Lambert", first_name="Odette")
    return campaign.entries.get()


def shopping():
    return HelpType.objects.get(code="shopping")


@pytest.mark.parametrize(
    "outcome, state",
    [
        (CallOutcome.WELL, EntryState.WELL),
        (CallOutcome.WRONG_NUMBER, EntryState.WRONG_NUMBER),
        (CallOutcome.REFUSED, EntryState.REFUSED),
        (CallOutcome.NO_ANSWER, EntryState.TO_CALL),
        (CallOutcome.VOICEMAIL, EntryState.TO_CALL),
    ],
)
def test_each_outcome_moves_the_person_to_its_state(person, caller, outcome, state):
    attempt = call_record(campaign_entry=person, outcome=outcome, by=caller, note="essai")
    person.refresh_from_db()
    assert person.state == state
    assert (attempt.outcome, attempt.note, attempt.by, attempt.sheet, attempt.from_paper) == (
        outcome, "essai", caller, person.sheet, False,
    )  # fmt: skip


def test_no_answer_after_the_last_try_goes_to_the_staff_list(person, caller, settings):
    settings.CAMPAIGN_MAX_CALL_ATTEMPTS = 3
    call_record(campaign_entry=person, outcome=CallOutcome.NO_ANSWER, by=caller)
    call_record(campaign_entry=person, outcome=CallOutcome.VOICEMAIL, by=caller)
    person.refresh_from_db()
    assert person.state == EntryState.TO_CALL
    call_record(campaign_entry=person, outcome=CallOutcome.NO_ANSWER, by=caller)
    person.refresh_from_db()
    assert person.state == EntryState.UNREACHABLE
    assert list(type(person).objects.for_staff_follow_up()) == [person]


def test_the_number_of_tries_is_a_setting(person, caller, settings):
    settings.CAMPAIGN_MAX_CALL_ATTEMPTS = 1
    call_record(campaign_entry=person, outcome=CallOutcome.NO_ANSWER, by=caller)
    person.refresh_from_db()
    assert person.state == EntryState.UNREACHABLE


def test_needs_help_files_a_request_in_the_triage_queue_with_the_campaign_as_source(person, caller):
    call_record(
        campaign_entry=person, outcome=CallOutcome.NEEDS_HELP, by=caller, note="Plus de médicaments depuis hier.",
        help_type=HelpType.objects.get(code="medicine"), urgent=True,
    )  # fmt: skip
    person.refresh_from_db()
    help_request = person.help_request
    assert person.state == EntryState.NEEDS_HELP
    assert (help_request.source, help_request.status) == (Source.CAMPAIGN, Status.NEW)
    assert help_request.urgency == Urgency.URGENT
    assert help_request.requester_name == "Odette Lambert"
    assert help_request.requester_phone == person.entry.phone
    assert help_request.commune == person.entry.commune
    assert help_request.description == "Plus de médicaments depuis hier."
    # She was reached by phone: the hotline calls her back, no SMS with a link she may not open.
    assert help_request.preferred_channel == ContactChannel.PHONE and help_request.offline
    assert help_request.created_by == caller
    note = help_request.notes.get().text
    assert "Registre canicule de Nancy" in note and "CCAS de Nancy" in note
    assert "Obligation légale" in note  # the consent basis of the register, recorded
    assert HelpRequest.objects.filter(status=Status.NEW, source=Source.CAMPAIGN).count() == 1


def test_needs_help_without_the_kind_of_help_is_refused_and_records_nothing(person, caller):
    with pytest.raises(CallError):
        call_record(campaign_entry=person, outcome=CallOutcome.NEEDS_HELP, by=caller)
    person.refresh_from_db()
    assert person.state == EntryState.TO_CALL and not person.attempts.exists()
    assert not HelpRequest.objects.exists()


def test_a_person_already_reached_takes_no_more_calls_from_the_caller(person, caller):
    call_record(campaign_entry=person, outcome=CallOutcome.WELL, by=caller)
    with pytest.raises(CallError):
        call_record(campaign_entry=person, outcome=CallOutcome.NEEDS_HELP, by=caller, help_type=shopping())
    assert person.attempts.count() == 1 and not HelpRequest.objects.exists()


def test_only_the_sheet_s_caller_records_calls(person):
    for someone in (vetted_volunteer(), UserFactory()):
        with pytest.raises(CallError):
            call_record(campaign_entry=person, outcome=CallOutcome.WELL, by=someone)
    assert not person.attempts.exists()


def test_a_closed_campaign_takes_no_more_calls_from_its_callers(person, caller):
    campaign_close(campaign=person.campaign)
    with pytest.raises(CallError):
        call_record(campaign_entry=person, outcome=CallOutcome.WELL, by=caller)


def test_staff_record_what_the_commune_s_visit_found_for_someone_unreachable(person, caller, settings):
    settings.CAMPAIGN_MAX_CALL_ATTEMPTS = 1
    call_record(campaign_entry=person, outcome=CallOutcome.NO_ANSWER, by=caller)
    call_record(
        campaign_entry=person, outcome=CallOutcome.NEEDS_HELP, by=AgentFactory(), help_type=shopping(),
        note="Visite du CCAS : plus de courses.",
    )  # fmt: skip
    person.refresh_from_db()
    assert person.state == EntryState.NEEDS_HELP and person.help_request.source == Source.CAMPAIGN


def test_a_call_typed_back_from_paper_keeps_the_day_written_on_the_sheet(person, caller):
    day = timezone.now() - timedelta(days=1)
    attempt = call_record(campaign_entry=person, outcome=CallOutcome.WELL, by=caller, at=day, from_paper=True)
    assert attempt.from_paper and attempt.at == day
