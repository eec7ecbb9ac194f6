"""Callbacks (requests_app/callbacks.py): what is due, each try and what follows from it, the hand-over to staff after
the last failed try, the reminder of late callbacks, and two agents recording at once."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.enums import DayPeriod
from core.slots import next_slot_start, slots_from_days_and_periods
from notifications.enums import Channel, Event
from requests_app.callbacks import CallbackClosed, CallbackPlan, callback_attempt_record, callback_schedule
from requests_app.enums import CallbackOrigin, CallbackOutcome, CallbackState, Status
from requests_app.models import Callback, CallbackAttempt, HelpRequest
from requests_app.notices import callbacks_overdue_alert
from requests_app.services import help_request_merge
from requests_app.tasks import alert_overdue_callbacks
from tests.accounts.factories import AgentFactory
from tests.concurrency import run_at_once
from tests.notifications.messages import assert_no_personal_data, rows, sent_to
from tests.requests_app.factories import CallbackFactory, HelpRequestFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
TUESDAY_10H = datetime(2026, 12, 1, 10, 0, tzinfo=PARIS)
MORNING, EVENING = (slots_from_days_and_periods([], [period]) for period in (DayPeriod.MORNING, DayPeriod.EVENING))


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(TUESDAY_10H, tick=False) as traveller:
        yield traveller


@pytest.fixture
def agent():
    return AgentFactory(email="agent@cd54.fr")


def fail(callback, times: int, *, by=None, outcome=CallbackOutcome.NO_ANSWER):
    for _ in range(times):
        callback_attempt_record(callback=callback, outcome=outcome, by=by)
    callback.refresh_from_db()
    return callback


# --- When a call is due -----------------------------------------------------------------------------------------


def test_the_slots_say_when_a_call_may_be_made():
    assert next_slot_start(0, TUESDAY_10H) == TUESDAY_10H  # no preference: now, in calling hours
    assert next_slot_start(EVENING, TUESDAY_10H) == datetime(2026, 12, 1, 18, 0, tzinfo=PARIS)
    assert next_slot_start(MORNING, datetime(2026, 12, 1, 12, 0, tzinfo=PARIS)) == datetime(
        2026, 12, 2, 9, 0, tzinfo=PARIS
    )
    # Nobody is called in the night, preference or not.
    assert next_slot_start(0, datetime(2026, 12, 1, 22, 30, tzinfo=PARIS)) == datetime(2026, 12, 2, 9, 0, tzinfo=PARIS)
    assert next_slot_start(0, datetime(2026, 12, 2, 6, 0, tzinfo=PARIS)) == datetime(2026, 12, 2, 9, 0, tzinfo=PARIS)


def test_callbacks_due_are_the_open_requests_with_an_open_callback_due_the_longest_overdue_first():
    late = CallbackFactory(due_at=TUESDAY_10H - timedelta(hours=2)).help_request
    just_due = CallbackFactory(due_at=TUESDAY_10H).help_request  # due at this very minute: due
    less_late = CallbackFactory(due_at=TUESDAY_10H - timedelta(minutes=5)).help_request
    CallbackFactory(due_at=TUESDAY_10H + timedelta(minutes=1))  # not yet
    CallbackFactory(due_at=TUESDAY_10H - timedelta(hours=3), state=CallbackState.REACHED, closed_at=TUESDAY_10H)
    cancelled = HelpRequestFactory()
    CallbackFactory(help_request=cancelled, due_at=TUESDAY_10H - timedelta(hours=4))
    cancelled.cancel()  # closing a request closes its callbacks

    due = HelpRequest.objects.callbacks_due()
    assert list(due) == [late, less_late, just_due]
    assert due[0].callback_due_at == TUESDAY_10H - timedelta(hours=2)
    assert list(HelpRequest.objects.callbacks_due(now=TUESDAY_10H - timedelta(hours=1))) == [late]
    assert Callback.objects.get(help_request=cancelled).state == CallbackState.CANCELLED


def test_a_citizen_s_callback_is_due_in_the_first_slot_they_chose():
    help_request = HelpRequestFactory()
    callback = callback_schedule(
        help_request=help_request, plan=CallbackPlan(origin=CallbackOrigin.CITIZEN, slots=EVENING)
    )
    assert callback.due_at == datetime(2026, 12, 1, 18, 0, tzinfo=PARIS)
    assert (callback.origin, callback.state, callback.slots_display) == ("citizen", "open", "tous les jours — soir")


def test_asking_again_moves_the_call_owed_rather_than_owing_two(agent):
    help_request = HelpRequestFactory()
    first = callback_schedule(help_request=help_request, plan=CallbackPlan(origin=CallbackOrigin.CITIZEN))
    later = TUESDAY_10H + timedelta(hours=3)
    again = callback_schedule(
        help_request=help_request, plan=CallbackPlan(origin=CallbackOrigin.AGENT, due_at=later), by=agent
    )
    assert again.pk == first.pk and help_request.callbacks.get().due_at == later


# --- Each try -----------------------------------------------------------------------------------------------------


def test_reaching_the_person_ends_the_callback_and_leaves_the_request_where_it_is(agent):
    callback = CallbackFactory(help_request=HelpRequestFactory(triaged=True))
    attempt = callback_attempt_record(callback=callback, outcome=CallbackOutcome.REACHED, by=agent, note="OK")
    callback.refresh_from_db()
    assert (callback.state, callback.closed_at) == (CallbackState.REACHED, TUESDAY_10H)
    assert (attempt.by, attempt.note, attempt.at) == (agent, "OK", TUESDAY_10H)
    assert callback.help_request.status == Status.TRIAGED
    assert not HelpRequest.objects.callbacks_due().exists()


@pytest.mark.parametrize("outcome", [CallbackOutcome.NO_ANSWER, CallbackOutcome.VOICEMAIL])
def test_a_failed_try_moves_the_call_by_the_retry_delay(settings, outcome):
    settings.CALLBACK_RETRY_MINUTES = 90
    callback = fail(CallbackFactory(), 1, outcome=outcome)
    assert callback.is_open and callback.due_at == TUESDAY_10H + timedelta(minutes=90)
    assert not HelpRequest.objects.callbacks_due().exists()  # not due again before then


def test_a_failed_try_moves_the_call_into_the_person_s_slots(settings):
    settings.CALLBACK_RETRY_MINUTES = 60
    callback = fail(CallbackFactory(preferred_slots=MORNING, due_at=TUESDAY_10H), 1)
    assert callback.due_at == datetime(2026, 12, 1, 11, 0, tzinfo=PARIS)
    with time_machine.travel(datetime(2026, 12, 1, 11, 30, tzinfo=PARIS), tick=False):
        callback = fail(callback, 1)  # 12:30 is past the morning: tomorrow morning
    assert callback.due_at == datetime(2026, 12, 2, 9, 0, tzinfo=PARIS)


def test_staff_take_the_request_over_after_the_last_failed_try_and_not_before(settings, agent):
    settings.CALLBACK_MAX_ATTEMPTS = 3
    help_request = HelpRequestFactory(
        triaged=True, requester_name="Jeanne Martin", requester_phone="+33612345678", address="12 rue des Lilas"
    )
    callback = fail(CallbackFactory(help_request=help_request), 2, by=agent)
    help_request.refresh_from_db()
    assert callback.is_open and help_request.status == Status.TRIAGED
    assert not rows(Event.CALLBACK_UNREACHABLE)

    callback = fail(callback, 1, by=agent, outcome=CallbackOutcome.VOICEMAIL)

    help_request.refresh_from_db()
    assert (callback.state, help_request.status) == (CallbackState.UNREACHABLE, Status.NEEDS_STAFF)
    change = help_request.status_changes.get(to_status=Status.NEEDS_STAFF)
    assert change.changed_by == agent
    assert change.note == "Personne injoignable au rappel : Pas de réponse, Pas de réponse, Messagerie."
    assert sent_to(Event.CALLBACK_UNREACHABLE) == [(Channel.EMAIL, "agent@cd54.fr")]
    [alert] = rows(Event.CALLBACK_UNREACHABLE)
    assert alert.subject == f"[Entraide 54] Demande {help_request.reference} : personne injoignable au rappel"
    assert "pas de réponse le 1 décembre à 10h00" in alert.body and "messagerie" in alert.body
    assert f"/admin/requests_app/helprequest/{help_request.pk}/change/" in alert.body
    assert_no_personal_data(alert)
    with pytest.raises(CallbackClosed):
        fail(callback, 1)
    assert callback.attempts.count() == 3


def test_a_wrong_number_hands_the_request_to_staff_at_once(agent):
    callback = CallbackFactory(help_request=HelpRequestFactory())
    callback = fail(callback, 1, by=agent, outcome=CallbackOutcome.WRONG_NUMBER)
    assert callback.state == CallbackState.UNREACHABLE
    assert HelpRequest.objects.get(pk=callback.help_request_id).status == Status.NEEDS_STAFF
    assert len(rows(Event.CALLBACK_UNREACHABLE)) == 1


def test_a_request_an_organisation_holds_stays_with_it_but_staff_are_told(settings, agent):
    settings.CALLBACK_MAX_ATTEMPTS = 1
    help_request = HelpRequestFactory(status=Status.ROUTED)
    fail(CallbackFactory(help_request=help_request), 1)
    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.ROUTED  # routed cannot go to needs_staff
    assert len(rows(Event.CALLBACK_UNREACHABLE)) == 1


def test_a_merged_duplicate_s_call_is_owed_on_the_request_kept(agent):
    original, duplicate = HelpRequestFactory(), HelpRequestFactory()
    callback = CallbackFactory(help_request=duplicate)
    help_request_merge(duplicate=duplicate, into=original, by=agent)
    callback.refresh_from_db()
    assert (callback.help_request, callback.state) == (original, CallbackState.OPEN)


# --- Late callbacks ---------------------------------------------------------------------------------------------


def test_staff_are_told_once_of_a_callback_late_by_the_set_delay(settings, agent, clock):
    settings.CALLBACK_OVERDUE_ALERT_MINUTES = 30
    help_request = HelpRequestFactory(requester_name="Jeanne Martin", requester_phone="+33612345678")
    late = CallbackFactory(help_request=help_request, due_at=TUESDAY_10H - timedelta(minutes=31))
    CallbackFactory(due_at=TUESDAY_10H - timedelta(minutes=29))  # late, not yet by 30 minutes
    CallbackFactory(due_at=TUESDAY_10H - timedelta(hours=2), state=CallbackState.REACHED, closed_at=TUESDAY_10H)

    assert alert_overdue_callbacks() == 1
    [alert] = rows(Event.CALLBACK_OVERDUE)
    assert (alert.recipient, alert.help_request) == ("agent@cd54.fr", help_request)
    assert alert.subject == f"[Entraide 54] Rappel en retard : demande {help_request.reference}"
    assert "mardi 1 décembre à 09h29 : 31 minutes de retard" in alert.body
    assert "/admin/requests_app/callback/" in alert.body
    assert_no_personal_data(alert)
    late.refresh_from_db()
    assert late.overdue_alerted_at == TUESDAY_10H

    assert callbacks_overdue_alert() == 0  # the next run, or the same run delivered twice
    clock.shift(timedelta(minutes=5))
    assert callbacks_overdue_alert() == 1  # the other one is now 34 minutes late
    fail(late, 1)  # tried and moved on: it was signalled already, it is not again
    clock.shift(timedelta(hours=3))
    assert callbacks_overdue_alert() == 0
    assert len(rows(Event.CALLBACK_OVERDUE)) == 2


# --- Two agents at once -----------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data_kept")
def test_two_agents_recording_the_last_try_at_once_hand_the_request_over_once(settings):
    settings.CALLBACK_MAX_ATTEMPTS = 3
    agents = [AgentFactory(), AgentFactory()]
    callback = fail(CallbackFactory(help_request=HelpRequestFactory(triaged=True)), 2)

    outcomes = run_at_once(
        *[
            lambda a=a: callback_attempt_record(callback=callback, outcome=CallbackOutcome.NO_ANSWER, by=a)
            for a in agents
        ]
    )

    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["CallbackAttempt", "CallbackClosed"]
    assert CallbackAttempt.objects.filter(callback=callback).count() == 3
    assert callback.help_request.status_changes.filter(to_status=Status.NEEDS_STAFF).count() == 1
    assert len(rows(Event.CALLBACK_UNREACHABLE)) == 2  # one alert per member of staff, the two agents: not four


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data_kept")
def test_two_agents_recording_tries_at_once_both_count():
    callback = CallbackFactory(help_request=HelpRequestFactory())
    outcomes = run_at_once(
        lambda: callback_attempt_record(callback=callback, outcome=CallbackOutcome.NO_ANSWER),
        lambda: callback_attempt_record(callback=callback, outcome=CallbackOutcome.VOICEMAIL),
    )
    assert all(isinstance(outcome, CallbackAttempt) for outcome in outcomes)
    callback.refresh_from_db()
    assert callback.attempts.count() == 2 and callback.is_open
