"""What the outbox does with each kind of SMS error (core/sms.py): fail at once, try again later, or pause every SMS
and alert staff; and the provider's id kept on the row. The adapters' contract tests (tests/core/sms_providers/) show
which provider answer is which kind."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from core.sms import (
    SmsConfigurationError,
    SmsPermanentError,
    SmsQuotaExhausted,
    SmsRetryableError,
)
from notifications import delivery, outbox
from notifications.enums import Channel, DeliveryStatus, Event
from notifications.models import Notification
from tests.accounts.factories import AgentFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(timezone.datetime(2026, 3, 2, 14, 0))


class ScriptedBackend:
    """Answers each send with the next of `script`: an id, or an error to raise."""

    script: list = []
    sent: list = []

    def send(self, message):
        answer = ScriptedBackend.script.pop(0)
        if isinstance(answer, Exception):
            raise answer
        ScriptedBackend.sent.append(message.to)
        return answer


@pytest.fixture(autouse=True)
def scripted(settings):
    settings.SMS_BACKEND = f"{__name__}.ScriptedBackend"
    settings.NOTIFICATION_MAX_ATTEMPTS = 8
    settings.SMS_PAUSE_MINUTES = 60
    ScriptedBackend.script, ScriptedBackend.sent = [], []
    with time_machine.travel(NOW, tick=False):
        yield ScriptedBackend.script


def sms(to="+33612345678", **fields) -> Notification:
    return Notification.objects.create(
        event=Event.REQUEST_RECEIVED, channel=Channel.SMS, recipient=to, body="Demande reçue.", **fields
    )


def test_the_provider_s_id_is_kept_on_the_row(scripted):
    scripted.append("SM0123")
    row = sms()
    delivery.deliver(row.pk)
    row.refresh_from_db()
    assert (row.status, row.provider_message_id, row.sent_at) == (DeliveryStatus.SENT, "SM0123", NOW)


def test_a_permanent_error_fails_the_message_at_once_with_its_reason(scripted):
    scripted.append(SmsPermanentError("Twilio 400 (code 21211): Invalid 'To' Phone Number"))
    row = sms()
    assert delivery.deliver(row.pk) is None  # no retry
    row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.FAILED, 1)
    assert row.last_error == "SmsPermanentError: Twilio 400 (code 21211): Invalid 'To' Phone Number"


def test_a_retryable_error_follows_the_backoff_then_the_message_leaves(scripted):
    scripted.extend([SmsRetryableError("OVHcloud 500"), SmsRetryableError("OVHcloud 429"), "265420001"])
    row = sms()
    delays = []
    for _ in range(3):
        row.refresh_from_db()
        with time_machine.travel(row.next_attempt_at, tick=False):
            delays.append(delivery.deliver(row.pk))
    assert delays == [timedelta(minutes=1), timedelta(minutes=2), None]
    row.refresh_from_db()
    assert (row.status, row.attempts, row.provider_message_id) == (DeliveryStatus.SENT, 3, "265420001")


@pytest.mark.parametrize("error", [SmsQuotaExhausted("OVHcloud 403: Not enough credits"), SmsConfigurationError("x")])
def test_an_account_that_sends_nothing_pauses_every_sms_and_alerts_staff_once(
    scripted, error, mailoutbox, django_capture_on_commit_callbacks
):
    AgentFactory(email="astreinte@departement54.fr")
    scripted.append(error)
    met_it, waiting, later = sms(), sms("+33698765432"), sms("+33611111111", next_attempt_at=NOW + timedelta(hours=3))
    email = Notification.objects.create(
        event=Event.INVITATION, channel=Channel.EMAIL, recipient="a@exemple.fr", body="-"
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.deliver(met_it.pk) == timedelta(minutes=60)

    until = NOW + timedelta(minutes=60)
    for row in (met_it, waiting, later, email):
        row.refresh_from_db()
    assert (met_it.status, met_it.attempts, met_it.next_attempt_at) == (DeliveryStatus.PENDING, 1, until)
    assert (waiting.status, waiting.attempts, waiting.next_attempt_at) == (DeliveryStatus.PENDING, 0, until)
    assert later.next_attempt_at == NOW + timedelta(hours=3)  # already due after the pause
    assert email.next_attempt_at == NOW  # emails go on
    assert delivery.deliver(waiting.pk) is None and ScriptedBackend.sent == []  # its task finds it not due

    [alert] = [mail for mail in mailoutbox if mail.to == ["astreinte@departement54.fr"]]
    credit = isinstance(error, SmsQuotaExhausted)
    assert ("crédit épuisé" in alert.subject) is credit and ("refuse le compte" in alert.subject) is not credit
    assert "3 SMS attendent" in alert.body and "réessaiera à 15h00" in alert.body
    assert "/admin/notifications/notification/?channel__exact=sms&status__exact=pending" in alert.body

    scripted.append(SmsQuotaExhausted("OVHcloud 403: Not enough credits"))  # a message written during the pause
    with django_capture_on_commit_callbacks(execute=True):
        delivery.deliver(sms("+33622222222").pk)
    assert Notification.objects.filter(event=Event.SMS_PAUSED).count() == 1  # once a pause


def test_once_the_pause_is_over_the_sweep_sends_the_held_messages(scripted, settings):
    settings.NOTIFICATION_SWEEP_MINUTES = 3
    scripted.extend([SmsQuotaExhausted("no credit"), "id-1", "id-2"])
    met_it, waiting = sms(), sms("+33698765432")
    delivery.deliver(met_it.pk)

    with time_machine.travel(NOW + timedelta(minutes=64), tick=False):
        from notifications.tasks import sweep_outbox

        assert sweep_outbox() == 2  # eager here: each row is delivered as it is queued

    for row in (met_it, waiting):
        row.refresh_from_db()
        assert row.status == DeliveryStatus.SENT
    assert (met_it.attempts, waiting.attempts) == (2, 1)


def test_after_the_last_try_even_a_pause_fails_the_message(scripted, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    scripted.append(SmsQuotaExhausted("no credit"))
    row = sms(attempts=1)
    assert delivery.deliver(row.pk) is None
    row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.FAILED, 2)


def test_staff_s_try_again_forgets_the_former_id_and_report(scripted, django_capture_on_commit_callbacks):
    scripted.append("SM-new")
    row = sms(status=DeliveryStatus.FAILED, provider_message_id="SM-old", reported_at=NOW, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        outbox.retry(Notification.objects.all())
    row.refresh_from_db()
    assert (row.status, row.provider_message_id, row.reported_at) == (DeliveryStatus.SENT, "SM-new", None)
