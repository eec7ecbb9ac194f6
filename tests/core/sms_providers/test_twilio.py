"""The Twilio adapter's contract: the real `twilio` client against Twilio's Messages API as documented, on the
loopback (fakes.py): what it sends, how each answer is read, and the signed status callbacks Twilio reports with."""

import base64

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
from tests.core.sms_providers.conftest import TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN
from tests.core.sms_providers.fakes import twilio_error

TO, BODY = "+33612345678", "Entraide 54 : demande E54-7K3Q-9PXD enregistrée. Suivi : https://entraide54.fr/s/abc/"


def test_a_message_is_one_message_resource_created_with_the_account_s_credentials(twilio_api):
    sid = send_sms(to=TO, body=BODY)

    [created] = twilio_api.received
    assert (created.method, created.path) == ("POST", f"/2010-04-01/Accounts/{TWILIO_ACCOUNT_SID}/Messages.json")
    credentials = base64.b64encode(f"{TWILIO_ACCOUNT_SID}:{TWILIO_AUTH_TOKEN}".encode()).decode()
    assert created.headers["Authorization"] == f"Basic {credentials}"
    assert created.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert created.form() == {
        "To": TO,
        "From": "+33757000054",
        "Body": BODY,
        "StatusCallback": "https://entraide54.fr/sms/accuses/twilio/",
    }
    assert sid == f"SM{0xE54:032x}"  # the resource's sid, by which its status callbacks come back


def test_a_messaging_service_sends_in_place_of_a_number_when_one_is_named(twilio_api, settings):
    settings.TWILIO_MESSAGING_SERVICE_SID = "MG" + "0" * 32
    send_sms(to=TO, body=BODY)
    [created] = twilio_api.sends()
    assert created.form()["MessagingServiceSid"] == "MG" + "0" * 32 and "From" not in created.form()


REFUSALS = {
    "invalid 'To' number": (twilio_error(400, 21211, f"Invalid 'To' Phone Number: {TO}"), SmsPermanentError),
    "recipient said STOP": (twilio_error(400, 21610, "Attempt to send to unsubscribed recipient"), SmsPermanentError),
    "not a mobile": (twilio_error(400, 21614, f"'To' number {TO} is not a valid mobile number"), SmsPermanentError),
    "authentication": (twilio_error(401, 20003, "Authenticate"), SmsConfigurationError),
    "sender not the account's": (
        twilio_error(400, 21606, "The From phone number is not a valid, SMS-capable inbound phone number"),
        SmsConfigurationError,
    ),
    "account not active": (twilio_error(401, 20005, "Account not active"), SmsQuotaExhausted),
    "rate limited": (twilio_error(429, 20429, "Too Many Requests"), SmsRetryableError),
    "server error": (twilio_error(500, 20500, "Internal Server Error"), SmsRetryableError),
    "proxy error page": ((503, b"<html><body>503 Service Unavailable</body></html>"), SmsRetryableError),
}


@pytest.mark.parametrize("answer, kind", REFUSALS.values(), ids=REFUSALS.keys())
def test_each_refusal_of_the_api_is_read_as_its_kind(twilio_api, answer, kind):
    twilio_api.queue(*answer)
    with pytest.raises(kind) as raised:
        send_sms(to=TO, body=BODY)
    assert type(raised.value) is kind  # not a subclass standing in for another kind
    assert str(raised.value).startswith("Twilio")


def test_an_api_that_does_not_answer_is_tried_again_later(twilio_api):
    twilio_api.stop()
    with pytest.raises(SmsRetryableError):
        send_sms(to=TO, body=BODY)


def test_a_missing_sender_stops_the_portal_at_start_up_and_sends_nothing(twilio_api, settings):
    settings.TWILIO_FROM_NUMBER = ""
    assert sms_provider_configured(None) == [
        Error("SMS_BACKEND=twilio needs TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID.",
              hint="See the README's settings, section SMS providers.", id="entraide.E002")
    ]  # fmt: skip
    with pytest.raises(SmsConfigurationError):
        send_sms(to=TO, body=BODY)
    assert twilio_api.received == []
