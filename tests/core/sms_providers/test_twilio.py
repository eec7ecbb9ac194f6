"""The Twilio adapter's contract: the real `twilio` client against Twilio's Messages API as documented, on the
loopback (fakes.py): what it sends, how each answer is read, and the signed status callbacks Twilio reports with."""

import base64
from urllib.parse import urlencode

import pytest
from django.core.checks import Error
from django.urls import reverse
from twilio.request_validator import RequestValidator

from core.checks import sms_provider_configured
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
from tests.core.sms_providers.conftest import TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN
from tests.core.sms_providers.fakes import twilio_error, twilio_signature

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


def test_the_default_status_callback_is_the_portal_s_report_address(settings):
    from entraide.settings import base

    assert base.TWILIO_STATUS_CALLBACK_URL == base.SITE_URL + reverse("notifications:twilio_report")


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


# --- Status callbacks ---------------------------------------------------------------------------------------------


def test_the_signature_in_these_tests_is_twilio_s_documented_algorithm():
    """The example of Twilio's webhook security documentation, signed by fakes.twilio_signature and checked by the
    client's RequestValidator, which the report view uses."""
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    params = {"CallSid": "CA1234567890ABCDE", "Caller": "+12349013030", "Digits": "1234", "From": "+12349013030",
              "To": "+18005551212"}  # fmt: skip
    assert (
        twilio_signature("12345", url, params)
        == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        == (RequestValidator("12345").compute_signature(url, params))
    )


REPORT_URL = "http://testserver/sms/accuses/twilio/"  # as the test client's requests arrive


def sent_sms() -> Notification:
    """An SMS of the outbox, sent through Twilio by the outbox's own delivery."""
    sms = Notification.objects.create(event=Event.REQUEST_RECEIVED, channel=Channel.SMS, recipient=TO, body=BODY)
    delivery.deliver(sms.pk)
    sms.refresh_from_db()
    return sms


def callback(sid: str, status: str, **extra) -> dict[str, str]:
    """A status callback's parameters, as Twilio's messaging documentation lists them."""
    return {
        "AccountSid": TWILIO_ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
        "From": "+33757000054",
        "MessageSid": sid,
        "MessageStatus": status,
        "SmsSid": sid,
        "SmsStatus": status,
        "To": TO,
        **extra,
    }


def post_report(client, params: dict[str, str], *, signature: str | None = None):
    signature = twilio_signature(TWILIO_AUTH_TOKEN, REPORT_URL, params) if signature is None else signature
    return client.post(
        reverse("notifications:twilio_report"),
        urlencode(params),
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": signature} if signature else {},
    )


@pytest.mark.django_db
def test_a_signed_delivered_callback_marks_the_row_delivered(twilio_api, client):
    sms = sent_sms()
    assert (sms.status, sms.provider_message_id) == (DeliveryStatus.SENT, f"SM{0xE54:032x}")

    assert post_report(client, callback(sms.provider_message_id, "delivered")).status_code == 204

    sms.refresh_from_db()
    assert sms.status == DeliveryStatus.DELIVERED and sms.reported_at is not None


@pytest.mark.django_db
def test_an_undelivered_callback_fails_the_row_with_the_reason(twilio_api, client):
    sms = sent_sms()
    post_report(client, callback(sms.provider_message_id, "undelivered", ErrorCode="30003"))
    sms.refresh_from_db()
    assert sms.status == DeliveryStatus.FAILED
    assert (
        sms.last_error == "Non remis selon Twilio : téléphone éteint ou hors réseau (statut undelivered, code 30003)"
    )


@pytest.mark.django_db
def test_a_replayed_or_contradicting_callback_changes_nothing(twilio_api, client):
    sms = sent_sms()
    post_report(client, callback(sms.provider_message_id, "failed", ErrorCode="30005"))
    sms.refresh_from_db()
    first = (sms.status, sms.reported_at, sms.last_error)

    assert post_report(client, callback(sms.provider_message_id, "failed", ErrorCode="30005")).status_code == 204
    assert post_report(client, callback(sms.provider_message_id, "delivered")).status_code == 204
    sms.refresh_from_db()
    assert (sms.status, sms.reported_at, sms.last_error) == first


@pytest.mark.django_db
def test_a_step_on_the_way_is_not_an_outcome(twilio_api, client):
    sms = sent_sms()
    for status in ("queued", "sending", "sent"):
        post_report(client, callback(sms.provider_message_id, status))
    sms.refresh_from_db()
    assert (sms.status, sms.reported_at) == (DeliveryStatus.SENT, None)


FORGERIES = {
    "no signature": lambda params: "",
    "signed with another token": lambda params: twilio_signature("0" * 32, REPORT_URL, params),
    "signed for another address": lambda params: twilio_signature(TWILIO_AUTH_TOKEN, "https://evil.example/", params),
    "status changed after signing": lambda params: twilio_signature(
        TWILIO_AUTH_TOKEN, REPORT_URL, {**params, "MessageStatus": "delivered", "SmsStatus": "delivered"}
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("forge", FORGERIES.values(), ids=FORGERIES.keys())
def test_a_forged_callback_is_refused_and_nothing_is_stored(twilio_api, client, forge):
    sms = sent_sms()
    params = callback(sms.provider_message_id, "undelivered", ErrorCode="30005")

    assert post_report(client, params, signature=forge(params)).status_code == 403

    sms.refresh_from_db()
    assert (sms.status, sms.reported_at, sms.last_error) == (DeliveryStatus.SENT, None, "")


@pytest.mark.django_db
def test_the_callback_address_takes_posts_only(client):
    assert client.get(reverse("notifications:twilio_report"), callback("SM1", "delivered")).status_code == 405
