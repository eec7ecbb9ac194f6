"""The outbox's guards on outgoing SMS (notifications/guards.py): STOP honoured, limits per number, the daily budget
and its alerts, and the length of an SMS counted as the provider bills it."""

import logging
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from core.sms import LocmemBackend, gsm7_spelling, sms_length
from notifications import delivery, guards, outbox
from notifications.enums import Channel, DeliveryStatus, Event, InboundKind
from notifications.models import InboundSms, Notification, SmsOptOut
from notifications.tasks import sweep_outbox
from tests.accounts.factories import AgentFactory
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 2, 14, 0, tzinfo=PARIS)  # a Monday afternoon
NUMBER = "+33612345678"


@pytest.fixture(autouse=True)
def guarded(settings):
    settings.SMS_BACKEND = "locmem"
    settings.SMS_PER_NUMBER_PER_HOUR = 6
    settings.SMS_PER_NUMBER_PER_DAY = 20
    settings.SMS_DAILY_BUDGET = 0
    settings.NOTIFICATION_SWEEP_MINUTES = 3
    LocmemBackend.outbox.clear()
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def sms(to: str = NUMBER, event: Event = Event.REQUEST_TAKEN, **fields) -> Notification:
    return Notification.objects.create(event=event, channel=Channel.SMS, recipient=to, body="Demande prise.", **fields)


def delivered(row: Notification) -> Notification:
    delivery.deliver(row.pk)
    row.refresh_from_db()
    return row


def texts_to(number: str = NUMBER) -> int:
    return sum(message.to == number for message in LocmemBackend.outbox)


def inbound(body: str = "AIDE") -> InboundSms:
    return InboundSms.objects.create(
        provider="ovh", provider_message_id=f"in-{InboundSms.objects.count()}", sender=NUMBER, body=body,
        kind=InboundKind.HELP,
    )  # fmt: skip


# --- STOP ------------------------------------------------------------------------------------------------------------


def test_an_sms_to_a_number_that_answered_stop_is_withheld_even_if_written_before(guarded):
    written_before = sms()
    guarded.shift(timedelta(minutes=5))
    SmsOptOut.objects.create(number=NUMBER, inbound=inbound("STOP"))

    row = delivered(written_before)

    assert (row.status, row.attempts, row.sent_at) == (DeliveryStatus.WITHHELD, 0, None)
    assert row.last_error == (
        "Ce numéro a répondu STOP le 02/03/2026 à 14:05 : il ne reçoit plus que les réponses à ses propres SMS."
    )
    assert LocmemBackend.outbox == []  # the provider was not called
    assert delivered(sms()).status == DeliveryStatus.WITHHELD  # nor is it for what is written after
    assert delivery.deliver(row.pk) is None and LocmemBackend.outbox == []  # a second task changes nothing


def test_an_answer_to_the_person_s_own_text_still_goes_after_stop():
    SmsOptOut.objects.create(number=NUMBER)

    answer = delivered(sms(event=Event.SMS_ANSWER, in_reply_to=inbound()))

    assert answer.status == DeliveryStatus.SENT and texts_to(NUMBER) == 1


def test_other_numbers_are_not_held_by_someone_s_stop():
    SmsOptOut.objects.create(number=NUMBER)
    assert delivered(sms("+33698765432")).status == DeliveryStatus.SENT


def test_staff_find_the_withheld_sms_in_the_admin_with_the_reason(client, staff):
    SmsOptOut.objects.create(number=NUMBER)
    delivered(sms())
    delivered(sms("+33698765432"))
    changelist = reverse("admin:notifications_notification_changelist")

    page = client.get(changelist, {"status__exact": DeliveryStatus.WITHHELD}).content.decode()

    assert NUMBER in page and "Ce numéro a répondu STOP" in page and "+33698765432" not in page
    assert "Retenue (STOP)" in client.get(changelist).content.decode()  # the status and its filter


def test_staff_s_try_again_does_not_send_a_withheld_sms():
    SmsOptOut.objects.create(number=NUMBER)
    row = delivered(sms())
    assert outbox.retry(Notification.objects.filter(pk=row.pk)) == 0


# --- Per number ------------------------------------------------------------------------------------------------------


def test_beyond_the_hourly_limit_an_sms_waits_for_the_window_then_the_sweep_sends_it(settings, guarded, caplog):
    settings.SMS_PER_NUMBER_PER_HOUR = 2
    caplog.set_level(logging.INFO, logger="notifications.delivery")
    first = delivered(sms())
    guarded.shift(timedelta(minutes=10))
    second = delivered(sms())
    guarded.shift(timedelta(minutes=10))
    third = delivered(sms())

    assert (first.status, second.status) == (DeliveryStatus.SENT, DeliveryStatus.SENT)
    assert (third.status, third.attempts) == (DeliveryStatus.PENDING, 0)
    assert third.next_attempt_at == NOW + timedelta(hours=1)  # when the first leaves the hour
    assert third.last_error == "En attente jusqu'au 02/03 à 15:00 : ce numéro a reçu 2 SMS dans l'heure, la limite."
    assert "waits until" in caplog.text
    assert texts_to(NUMBER) == 2
    assert delivered(sms("+33698765432")).status == DeliveryStatus.SENT  # another number is not held

    guarded.shift(timedelta(minutes=20))  # 14:40: its task, run again, finds it not due
    assert delivered(third).status == DeliveryStatus.PENDING

    guarded.move_to(NOW + timedelta(hours=1, minutes=4))  # past its due time and the sweep's delay
    assert sweep_outbox() == 1  # eager here: delivered as it is queued
    third.refresh_from_db()
    assert (third.status, third.attempts, texts_to(NUMBER)) == (DeliveryStatus.SENT, 1, 3)


def test_beyond_the_daily_limit_an_sms_waits_for_the_oldest_of_the_day_to_leave_the_24_hours(settings, guarded):
    settings.SMS_PER_NUMBER_PER_HOUR, settings.SMS_PER_NUMBER_PER_DAY = 0, 3
    for _ in range(3):
        assert delivered(sms()).status == DeliveryStatus.SENT
        guarded.shift(timedelta(hours=2))

    held = delivered(sms())

    assert held.status == DeliveryStatus.PENDING and held.next_attempt_at == NOW + timedelta(days=1)
    assert "ce numéro a reçu 3 SMS en 24 heures, la limite" in held.last_error
    guarded.move_to(NOW + timedelta(days=1, minutes=4))
    sweep_outbox()
    held.refresh_from_db()
    assert held.status == DeliveryStatus.SENT


def test_answers_to_the_person_s_texts_count_and_wait_like_the_others_but_an_agent_s_sms_goes(settings):
    """An answering machine that answers every SMS must not keep the portal answering it."""
    settings.SMS_PER_NUMBER_PER_HOUR = 2
    delivered(sms())
    delivered(sms(event=Event.SMS_ANSWER, in_reply_to=inbound()))

    assert delivered(sms(event=Event.SMS_ANSWER, in_reply_to=inbound())).status == DeliveryStatus.PENDING
    assert delivered(sms(event=Event.STAFF_SMS, in_reply_to=inbound("Je n'ai vu personne"))).status == "sent"
    assert texts_to(NUMBER) == 3


def test_failed_sends_do_not_count_toward_the_limit(settings):
    settings.SMS_PER_NUMBER_PER_HOUR = 1
    sms(status=DeliveryStatus.FAILED, attempts=8)  # never handed to the provider: no sent_at
    assert delivered(sms()).status == DeliveryStatus.SENT


class SlowSmsBackend(LocmemBackend):
    """Holds the line long enough for a delivery to the same number to arrive meanwhile."""

    def send(self, message):
        time.sleep(0.5)
        return super().send(message)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data_kept")
def test_two_deliveries_to_one_number_at_the_same_moment_do_not_both_pass_the_limit(settings):
    settings.SMS_BACKEND = f"{__name__}.SlowSmsBackend"
    settings.SMS_PER_NUMBER_PER_HOUR = 1
    rows = [sms(), sms()]

    outcomes = run_at_once(*[lambda row=row: delivery.deliver(row.pk) for row in rows])

    assert outcomes == [None, None]
    assert texts_to(NUMBER) == 1
    statuses = sorted(Notification.objects.values_list("status", flat=True))
    assert statuses == [DeliveryStatus.PENDING, DeliveryStatus.SENT]
    waiting = Notification.objects.get(status=DeliveryStatus.PENDING)
    assert waiting.next_attempt_at == NOW + timedelta(hours=1)


# --- Daily budget ----------------------------------------------------------------------------------------------------


def numbers(count: int) -> list[str]:
    """Different people, so that no limit per number is met."""
    return [f"+336000000{n:02d}" for n in range(count)]


def alerts() -> list[str]:
    return list(Notification.objects.filter(event=Event.SMS_BUDGET).order_by("pk").values_list("subject", flat=True))


def test_staff_are_alerted_once_at_80_percent_and_once_at_100_percent_of_the_day_s_budget(
    settings, guarded, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SMS_DAILY_BUDGET = 10
    AgentFactory(email="astreinte@departement54.fr")
    to = iter(numbers(30))

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(7):
            delivered(sms(next(to)))
    assert alerts() == []

    with django_capture_on_commit_callbacks(execute=True):
        delivered(sms(next(to)))  # the 8th: 80 %
        delivered(sms(next(to)))
    assert alerts() == ["[Entraide 54] Budget SMS du jour dépensé à 80 %"]
    [mail] = mailoutbox
    assert mail.to == ["astreinte@departement54.fr"] and "8 SMS sur un budget de 10" in mail.body

    with django_capture_on_commit_callbacks(execute=True):
        delivered(sms(next(to)))  # the 10th: all of it
        delivered(sms(next(to), event=Event.REQUEST_DONE))  # beyond, still going: no third alert
    assert alerts()[1:] == ["[Entraide 54] Budget SMS du jour épuisé : seuls les SMS essentiels partent"]
    assert "partiront demain à partir de 08h00" in mailoutbox[1].body

    guarded.move_to(NOW + timedelta(days=1))  # a new day, a new budget, new alerts
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(8):
            delivered(sms(next(to)))
    assert len(alerts()) == 3


def test_a_threshold_crossed_by_two_workers_at_once_is_told_once(settings):
    AgentFactory(email="astreinte@departement54.fr")
    for _ in range(2):  # both saw the day's spending before the other's SMS
        guards.sms_budget_reached.send(sender=Notification, threshold=80, spent=8, budget=10)
    assert len(alerts()) == 1


def test_beyond_the_budget_only_what_the_people_helped_wait_for_goes_and_the_rest_waits_for_the_morning(
    settings, guarded
):
    settings.SMS_DAILY_BUDGET = 2
    to = iter(numbers(10))
    for _ in range(2):
        delivered(sms(next(to)))

    proposal = delivered(sms(next(to), event=Event.PROPOSAL_MADE))
    essential = [
        delivered(sms(next(to), event=event))
        for event in (Event.REQUEST_RECEIVED, Event.HELP_ARRIVED_ASKED, Event.PROPOSAL_CONFIRMED, Event.SMS_ANSWER)
    ]
    answer = delivered(sms(next(to), event=Event.CALLBACK_OVERDUE, in_reply_to=inbound()))  # any answer to a text

    assert [row.status for row in [*essential, answer]] == [DeliveryStatus.SENT] * 5
    assert (proposal.status, proposal.attempts) == (DeliveryStatus.PENDING, 0)
    tomorrow_morning = datetime(2026, 3, 3, 8, 0, tzinfo=PARIS)
    assert proposal.next_attempt_at == tomorrow_morning
    assert proposal.last_error == "En attente jusqu'au 03/03 à 08:00 : le budget SMS du jour (2) est dépensé."
    assert guards.parts_spent_today() == 7

    guarded.move_to(datetime(2026, 3, 3, 0, 30, tzinfo=PARIS))  # midnight has passed: not yet, nobody is woken
    assert sweep_outbox() == 0
    guarded.move_to(tomorrow_morning + timedelta(minutes=4))
    assert sweep_outbox() == 1
    proposal.refresh_from_db()
    assert proposal.status == DeliveryStatus.SENT and guards.parts_spent_today() == 1


def test_no_budget_set_holds_nothing(settings):
    settings.SMS_DAILY_BUDGET = 0
    for to in numbers(5):
        assert delivered(sms(to, event=Event.PROPOSAL_MADE)).status == DeliveryStatus.SENT


def test_the_day_of_the_budget_is_paris_s(guarded):
    guarded.move_to(datetime(2026, 3, 2, 23, 30, tzinfo=PARIS))  # 22:30 UTC
    delivered(sms())
    guarded.move_to(datetime(2026, 3, 3, 0, 30, tzinfo=PARIS))  # still the 2nd in UTC
    delivered(sms("+33698765432"))
    assert guards.parts_spent_today() == 1


# --- Length: GSM-7 or UCS-2 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("character", ["ê", "ç", "œ", "’"])
def test_one_character_outside_gsm_makes_a_text_ucs2_at_70_and_the_spelling_keeps_it_one_sms(character):
    text = f"Entraide 54 : votre demande E54-7K3Q-9PXD est prise en charge{character} un bénévole vous appelle."
    assert 70 < len(text) <= 160

    assert sms_length(text).encoding == "UCS-2" and sms_length(text).parts == 2  # 67 a part
    assert sms_length(gsm7_spelling(text)).encoding == "GSM-7" and sms_length(gsm7_spelling(text)).parts == 1


def test_sms_add_spells_a_commune_with_these_characters_in_gsm_and_the_budget_counts_one_part(settings):
    settings.SMS_DAILY_BUDGET = 100
    from tests.notifications.test_outbox import proposal_context

    row = outbox.sms_add(Event.PROPOSAL_MADE, to=NUMBER, context=proposal_context("Bœuf-Forêt-d’Açy"))

    assert "à Boeuf-Foret-d'Acy." in row.body and sms_length(row.body).parts == 1
    assert delivered(row).status == DeliveryStatus.SENT and guards.parts_spent_today() == 1


def test_a_text_longer_than_one_sms_never_reaches_the_provider_so_a_part_is_a_row(settings):
    """What lets the budget count rows (guards.parts_spent_today): no SMS of two parts is ever handed over."""
    settings.SMS_DAILY_BUDGET = 100
    two_parts = Notification.objects.create(
        event=Event.REQUEST_TAKEN, channel=Channel.SMS, recipient=NUMBER, body="ç" * 71
    )
    assert sms_length(two_parts.body).parts == 2

    row = delivered(two_parts)

    assert (row.status, row.sent_at, LocmemBackend.outbox) == (DeliveryStatus.FAILED, None, [])
    assert guards.parts_spent_today() == 0
