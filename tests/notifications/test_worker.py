"""The notification path for real: outbox rows in PostgreSQL, tasks through Redis, a Celery worker process."""

import pytest
from django.db import transaction
from django.urls import reverse

from entraide.celery import app
from notifications.enums import Channel, DeliveryStatus, Event
from notifications.models import Notification
from notifications.tasks import deliver_notification, sweep_outbox
from requests_app.models import HelpRequest
from tests.notifications.worker import wait_until
from tests.requests_app.factories import valid_form_data

pytestmark = pytest.mark.django_db(transaction=True)

MOBILE = "+33612345678"


def file_request(client, **overrides) -> HelpRequest:
    response = client.post(reverse("requests:new"), valid_form_data(**overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    return HelpRequest.objects.latest("created_at")


def all_sent(help_request) -> bool:
    rows = Notification.objects.filter(help_request=help_request)
    return rows.exists() and not rows.exclude(status=DeliveryStatus.SENT).exists()


def test_a_filed_request_reaches_the_requester_by_email_and_sms_exactly_once(client, real_worker):
    help_request = file_request(client, requester_email="monique.petit@exemple.fr", preferred_channel="sms")

    wait_until(lambda: all_sent(help_request), what="the request's acknowledgements")

    [mail] = real_worker.emails_to("monique.petit@exemple.fr")
    assert mail["Subject"].strip() == f"[Entraide 54] Votre demande {help_request.reference} est bien reçue"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "est bien enregistrée sous la référence" in text
    assert help_request.tracking_token in text
    assert mail.get_body(preferencelist=("html",)) is not None
    [sms] = real_worker.sms_to(MOBILE)
    assert sms == f"Entraide 54 : demande {help_request.reference} enregistrée. Suivi : " + (
        f"http://127.0.0.1:8000/s/{help_request.tracking_token}/"
    )
    assert len(sms) <= 160
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}


def test_a_task_delivered_twice_sends_once(client, real_worker):
    help_request = file_request(client, requester_email="", preferred_channel="sms")
    wait_until(lambda: all_sent(help_request))
    notification = Notification.objects.get(help_request=help_request)

    deliver_notification.delay(notification.pk)
    deliver_notification.delay(notification.pk)
    # The worker takes tasks in order: once this later message is out, the duplicates have been handled.
    control = file_request(client, requester_email="", requester_phone="06 11 22 33 44", preferred_channel="sms")
    wait_until(lambda: all_sent(control))

    assert real_worker.sms_to(MOBILE) == [notification.body]
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (DeliveryStatus.SENT, 1)


def test_a_backend_failing_twice_then_working_ends_sent_with_three_attempts(client, real_worker):
    real_worker.sms_fail(MOBILE, times=2)

    help_request = file_request(client, requester_email="", preferred_channel="sms")
    wait_until(lambda: all_sent(help_request), what="the third attempt (backoff of 1 s, then 2 s)")

    notification = Notification.objects.get(help_request=help_request)
    assert notification.attempts == 3
    assert "Fournisseur SMS injoignable" in notification.last_error
    assert len(real_worker.sms_to(MOBILE)) == 1


class BrokerUnreachable:
    """Publishing goes to a port where nothing listens, as when Redis is down; the worker keeps its own link.
    Celery caches its producer pools (the app's and the AMQP layer's): both are set aside, then put back."""

    def __enter__(self):
        self.saved = app.conf.broker_write_url, app._pool, app.amqp._producer_pool
        app.conf.broker_write_url = "redis://127.0.0.1:9/0"
        app._pool = app.amqp._producer_pool = None

    def __exit__(self, *exc):
        app.conf.broker_write_url, app._pool, app.amqp._producer_pool = self.saved


def test_a_message_queued_while_the_broker_is_down_goes_out_with_the_sweep(client, real_worker, settings):
    with BrokerUnreachable():
        help_request = file_request(client, requester_email="", preferred_channel="sms")  # no error page

    notification = Notification.objects.get(help_request=help_request)
    assert notification.status == DeliveryStatus.PENDING
    assert real_worker.sms_to(MOBILE) == []

    settings.NOTIFICATION_SWEEP_MINUTES = 0
    assert sweep_outbox() == 1
    wait_until(lambda: all_sent(help_request), what="the swept message")
    assert len(real_worker.sms_to(MOBILE)) == 1


def test_a_rolled_back_transaction_sends_nothing(client, real_worker):
    from requests_app.services import help_request_create
    from tests.requests_app.factories import HelpRequestFactory

    with pytest.raises(RuntimeError), transaction.atomic():
        help_request_create(
            help_request=HelpRequestFactory.build(requester_email="annule@exemple.fr", preferred_channel="email")
        )
        assert Notification.objects.filter(event=Event.REQUEST_RECEIVED, channel=Channel.EMAIL).exists()
        raise RuntimeError("the event fails after its message was written")

    assert not Notification.objects.exists()
    control = file_request(client, requester_email="temoin@exemple.fr", preferred_channel="email")
    wait_until(lambda: all_sent(control))
    assert [mail["To"] for mail in real_worker.emails()] == ["temoin@exemple.fr"]
