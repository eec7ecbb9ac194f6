"""The OVHcloud adapter's contract: the real `ovh` client against the API as OVHcloud documents it, on the loopback
(fakes.py): what it sends, how each answer is read, and the delivery reports OVHcloud calls back with."""

import pytest
from django.core.checks import Error

from core.checks import sms_provider_configured
from core.sms import (
    SmsConfigurationError,
    SmsPermanentError,
    SmsQuotaExhausted,
    SmsRetryableError,
    send_sms,
)
from tests.core.sms_providers.conftest import OVH_KEYS
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
