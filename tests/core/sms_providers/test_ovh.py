"""The OVHcloud adapter's contract: the real `ovh` client against the API as OVHcloud documents it, on the loopback
(fakes.py): what it sends, how each answer is read, and the delivery reports OVHcloud calls back with."""

import pytest
from django.core.checks import Error
from django.urls import reverse

from core.checks import sms_provider_configured
from core.log_redaction import redact_url
from core.sms import (
    SmsConfigurationError,
    SmsPermanentError,
    SmsQuotaExhausted,
    SmsRetryableError,
    send_sms,
)
from notifications import delivery
from notifications.enums import Channel, DeliveryStatus, Event
from notifications.models import Notification
from tests.core.sms_providers.conftest import OVH_KEYS, OVH_REPORT_TOKEN
from tests.core.sms_providers.fakes import FakeOvh, ovh_signature

TO, BODY = "+33612345678", "Entraide 54 : demande E54-7K3Q-9PXD enregistrée. Suivi : https://entraide54.fr/s/abc/"


def test_a_message_is_one_signed_job_on_the_sms_account(ovh_api):
    message_id = send_sms(to=TO, body=BODY)

    time_call, job = ovh_api.received
    assert (time_call.method, time_call.path) == ("GET", "/1.0/auth/time")  # the API's clock, for the signature
    assert "X-Ovh-Signature" not in time_call.headers
    assert (job.method, job.path) == ("POST", f"/1.0/sms/{FakeOvh.SERVICE}/jobs")
    assert job.headers["Content-type"] == "application/json"
    assert job.headers["X-Ovh-Application"] == OVH_KEYS["OVH_APPLICATION_KEY"]
    assert job.headers["X-Ovh-Consumer"] == OVH_KEYS["OVH_CONSUMER_KEY"]
    assert job.headers["X-Ovh-Signature"] == ovh_signature(
        secret=OVH_KEYS["OVH_APPLICATION_SECRET"],
        consumer_key=OVH_KEYS["OVH_CONSUMER_KEY"],
        request=job,
        url=f"{ovh_api.url}{job.path}",
    )
    assert job.json() == {
        "message": BODY,
        "receivers": [TO],
        "sender": "ENTRAIDE54",
        "noStopClause": True,  # not advertising: sent at once, night and Sunday included, without "STOP 36111"
        "priority": "high",
    }
    assert message_id == "265420001"  # the job's `ids`, by which its delivery report comes back


def test_without_a_sender_name_messages_come_from_a_number_that_can_be_answered(ovh_api, settings):
    settings.OVH_SMS_SENDER = ""
    send_sms(to=TO, body=BODY)
    [job] = ovh_api.sends()
    assert job.json()["senderForResponse"] is True and "sender" not in job.json()


REFUSALS = {
    "receiver listed invalid": (
        (200, {"totalCreditsRemoved": 0, "invalidReceivers": [TO], "validReceivers": [], "ids": [], "tag": ""}),
        SmsPermanentError,
    ),
    "receiver refused": (
        (400, {"class": "Client::BadRequest", "message": f"Invalid receiver {TO}"}),
        SmsPermanentError,
    ),
    "sender not declared": (
        (400, {"class": "Client::BadRequest", "message": "The sender ENTRAIDE54 does not exist"}),
        SmsConfigurationError,
    ),
    "no credit": (
        (403, {"class": "Client::Forbidden", "message": "Not enough credits to send this SMS"}),
        SmsQuotaExhausted,
    ),
    "account forbidden": (
        (403, {"errorCode": "FORBIDDEN", "httpCode": "403 Forbidden", "message": "Not enough credits"}),
        SmsQuotaExhausted,
    ),
    "keys refused": (
        (
            403,
            {
                "errorCode": "INVALID_CREDENTIAL",
                "httpCode": "403 Forbidden",
                "message": "This credential is not valid",
            },
        ),
        SmsConfigurationError,
    ),
    "call not granted": (
        (
            403,
            {
                "errorCode": "NOT_GRANTED_CALL",
                "httpCode": "403 Forbidden",
                "message": "This call has not been granted",
            },
        ),
        SmsConfigurationError,
    ),
    "no such sms account": (
        (404, {"class": "Client::NotFound", "message": "The requested object (serviceName) does not exist"}),
        SmsConfigurationError,
    ),
    "rate limited": ((429, {"class": "Client::TooManyRequests", "message": "Too many requests"}), SmsRetryableError),
    "api failing": (
        (500, {"class": "Server::InternalServerError", "message": "Internal server error"}),
        SmsRetryableError,
    ),
    "proxy error page": ((502, b"<html><body>502 Bad Gateway</body></html>"), SmsRetryableError),
}


@pytest.mark.parametrize("answer, kind", REFUSALS.values(), ids=REFUSALS.keys())
def test_each_refusal_of_the_api_is_read_as_its_kind(ovh_api, answer, kind):
    ovh_api.queue(*answer)
    with pytest.raises(kind) as raised:
        send_sms(to=TO, body=BODY)
    assert type(raised.value) is kind  # not a subclass standing in for another kind
    assert str(raised.value).startswith("OVHcloud")


def test_an_api_that_does_not_answer_is_tried_again_later(ovh_api):
    ovh_api.stop()
    with pytest.raises(SmsRetryableError):
        send_sms(to=TO, body=BODY)


def test_missing_keys_stop_the_portal_at_start_up_and_send_nothing(ovh_api, settings):
    settings.OVH_CONSUMER_KEY = ""
    assert sms_provider_configured(None) == [
        Error("SMS_BACKEND=ovh needs OVH_CONSUMER_KEY.", hint="See the README's settings, section SMS providers.",
              id="entraide.E002")
    ]  # fmt: skip
    with pytest.raises(SmsConfigurationError):
        send_sms(to=TO, body=BODY)
    assert ovh_api.received == []


# --- Delivery reports --------------------------------------------------------------------------------------------
# OVHcloud calls the SMS account's callback address with the SMS's `id` and its `dlr` (1 delivered, 2 and 16 not
# delivered, 4 and 8 on the way), a `description` and the operator's `ptt` code, in the query string.


def sent_sms() -> Notification:
    """An SMS of the outbox, sent through OVHcloud by the outbox's own delivery."""
    sms = Notification.objects.create(event=Event.REQUEST_RECEIVED, channel=Channel.SMS, recipient=TO, body=BODY)
    delivery.deliver(sms.pk)
    sms.refresh_from_db()
    return sms


def report_url(token: str = OVH_REPORT_TOKEN) -> str:
    return reverse("notifications:ovh_report", args=[token])


@pytest.mark.django_db
def test_the_report_of_a_delivered_sms_marks_its_row_delivered(ovh_api, client):
    sms = sent_sms()
    assert (sms.status, sms.provider_message_id) == (DeliveryStatus.SENT, "265420001")

    response = client.get(report_url(), {"id": "265420001", "dlr": "1", "description": "Delivered", "ptt": "13"})

    assert response.status_code == 204
    sms.refresh_from_db()
    assert sms.status == DeliveryStatus.DELIVERED and sms.reported_at is not None


@pytest.mark.django_db
def test_the_report_of_an_sms_not_delivered_fails_its_row_with_the_reason(ovh_api, client):
    sms = sent_sms()
    client.get(
        report_url(), {"id": sms.provider_message_id, "dlr": "16", "description": "Unknown subscriber", "ptt": "2"}
    )
    sms.refresh_from_db()
    assert sms.status == DeliveryStatus.FAILED
    assert sms.last_error == "Non remis selon OVHcloud : Unknown subscriber (dlr 16, ptt 2)"


@pytest.mark.django_db
def test_a_report_posted_rather_than_got_is_taken_too(ovh_api, client):
    sms = sent_sms()
    assert client.post(report_url(), {"id": sms.provider_message_id, "dlr": "1"}).status_code == 204
    sms.refresh_from_db()
    assert sms.status == DeliveryStatus.DELIVERED


@pytest.mark.django_db
def test_a_replayed_or_contradicting_report_changes_nothing(ovh_api, client):
    sms = sent_sms()
    delivered = {"id": sms.provider_message_id, "dlr": "1"}
    client.get(report_url(), delivered)
    sms.refresh_from_db()
    first = (sms.status, sms.reported_at, sms.last_error)

    assert client.get(report_url(), delivered).status_code == 204
    assert client.get(report_url(), {"id": sms.provider_message_id, "dlr": "2"}).status_code == 204
    sms.refresh_from_db()
    assert (sms.status, sms.reported_at, sms.last_error) == first


@pytest.mark.django_db
def test_a_step_on_the_way_is_not_an_outcome(ovh_api, client):
    sms = sent_sms()
    for dlr in ("4", "8"):
        client.get(report_url(), {"id": sms.provider_message_id, "dlr": dlr})
    sms.refresh_from_db()
    assert (sms.status, sms.reported_at) == (DeliveryStatus.SENT, None)


@pytest.mark.django_db
@pytest.mark.parametrize("setting, token", [(OVH_REPORT_TOKEN, OVH_REPORT_TOKEN[:-1] + "x"), ("", "x")])
def test_a_report_without_the_secret_is_refused_and_nothing_is_stored(ovh_api, client, settings, setting, token):
    settings.OVH_SMS_REPORT_TOKEN = setting  # none set: every report is refused
    sms = sent_sms()
    response = client.get(report_url(token), {"id": sms.provider_message_id, "dlr": "2", "description": "forged"})
    assert response.status_code == 403
    sms.refresh_from_db()
    assert (sms.status, sms.reported_at, sms.last_error) == (DeliveryStatus.SENT, None, "")


def test_the_secret_in_the_report_address_never_reaches_a_log():
    assert redact_url(f"{report_url()}?id=265420001&dlr=1") == "/sms/accuses/ovh/<token>/?<query>"
