"""SMS received through Twilio: the number's "A message comes in" webhook, signed as Twilio documents it and checked by
the client's own RequestValidator, stored once per MessageSid and handed on; answered with empty TwiML, since every
answer the portal gives leaves through the outbox."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from twilio.twiml.messaging_response import MessagingResponse

from notifications.models import InboundSms
from tests.core.sms_providers.conftest import TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN
from tests.core.sms_providers.fakes import twilio_signature

INBOUND_URL = "http://testserver/sms/recus/twilio/"  # as the test client's requests arrive
SID = "SM" + "1f" * 16


def incoming(sid: str = SID, **changes) -> dict[str, str]:
    """An incoming message's parameters, as Twilio's messaging webhook documentation lists them."""
    params = {
        "AccountSid": TWILIO_ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
        "Body": "Oui 9PXD",
        "From": "+33612345678",
        "FromCity": "",
        "FromCountry": "FR",
        "FromState": "",
        "FromZip": "",
        "MessageSid": sid,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsMessageSid": sid,
        "SmsSid": sid,
        "SmsStatus": "received",
        "To": "+33757000054",
        "ToCity": "",
        "ToCountry": "FR",
        "ToState": "",
        "ToZip": "",
        **changes,
    }
    return {name: value for name, value in params.items() if value is not None}


def post_inbound(client, params: dict[str, str], *, signature: str | None = None):
    signature = twilio_signature(TWILIO_AUTH_TOKEN, INBOUND_URL, params) if signature is None else signature
    return client.post(
        reverse("notifications:twilio_inbound"),
        urlencode(params),
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": signature} if signature else {},
    )


@pytest.mark.django_db
def test_a_signed_message_is_stored_and_handed_on_and_answered_with_empty_twiml(twilio_api, client, handed_on):
    response = post_inbound(client, incoming(Body="Oui  9pxd, merci !"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml"
    assert response.content.decode() == str(MessagingResponse())  # nothing said back outside the outbox
    [inbound] = InboundSms.objects.all()
    assert (inbound.provider, inbound.provider_message_id, inbound.sender, inbound.body) == (
        "twilio", SID, "+33612345678", "Oui  9pxd, merci !"
    )  # fmt: skip
    assert inbound.received_at is not None
    assert handed_on == [inbound]
    assert twilio_api.received == []  # nothing asked of Twilio's API to read it


@pytest.mark.django_db
def test_a_replay_of_the_same_message_stores_nothing_more_and_is_still_answered(twilio_api, client, handed_on):
    params = incoming()
    post_inbound(client, params)
    again = post_inbound(client, params)

    assert again.status_code == 200 and again.content.decode() == str(MessagingResponse())
    assert InboundSms.objects.count() == 1
    assert len(handed_on) == 1


@pytest.mark.django_db
def test_two_messages_are_two_rows(twilio_api, client, handed_on):
    post_inbound(client, incoming(sid="SM" + "a" * 32, Body="1"))
    post_inbound(client, incoming(sid="SM" + "b" * 32, Body="STOP"))
    assert sorted(InboundSms.objects.values_list("body", flat=True)) == ["1", "STOP"]
    assert len(handed_on) == 2


FORGERIES = {
    "no signature": lambda params: "",
    "signed with another token": lambda params: twilio_signature("0" * 32, INBOUND_URL, params),
    "signed for another address": lambda params: twilio_signature(TWILIO_AUTH_TOKEN, "https://evil.example/", params),
    "signed for the report address": lambda params: twilio_signature(
        TWILIO_AUTH_TOKEN, "http://testserver/sms/accuses/twilio/", params
    ),
    "text changed after signing": lambda params: twilio_signature(
        TWILIO_AUTH_TOKEN, INBOUND_URL, {**params, "Body": "NON 9PXD"}
    ),
    "sender changed after signing": lambda params: twilio_signature(
        TWILIO_AUTH_TOKEN, INBOUND_URL, {**params, "From": "+33699999999"}
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("forge", FORGERIES.values(), ids=FORGERIES.keys())
def test_a_forged_message_is_refused_and_nothing_is_stored(twilio_api, client, handed_on, forge):
    params = incoming()
    assert post_inbound(client, params, signature=forge(params)).status_code == 403
    assert not InboundSms.objects.exists()
    assert handed_on == []


@pytest.mark.django_db
def test_without_an_auth_token_every_message_is_refused(twilio_api, client, settings, handed_on):
    params = incoming()
    signature = twilio_signature(TWILIO_AUTH_TOKEN, INBOUND_URL, params)
    settings.TWILIO_AUTH_TOKEN = ""
    assert post_inbound(client, params, signature=signature).status_code == 403
    assert not InboundSms.objects.exists()


MALFORMED = {
    "no MessageSid": {"MessageSid": None, "SmsMessageSid": None, "SmsSid": None},
    "no From": {"From": None},
    "From not a number": {"From": "ENTRAIDE"},
    "empty From": {"From": ""},
}


@pytest.mark.django_db
@pytest.mark.parametrize("changes", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_signed_message_the_portal_cannot_read_is_a_bad_request_and_stores_nothing(
    twilio_api, client, handed_on, changes
):
    assert post_inbound(client, incoming(**changes)).status_code == 400
    assert not InboundSms.objects.exists()
    assert handed_on == []


@pytest.mark.django_db
def test_a_message_without_text_is_kept_all_the_same(twilio_api, client, handed_on):
    """A picture sent alone (MMS) arrives with an empty Body: it is still someone writing to the portal."""
    assert post_inbound(client, incoming(Body="", NumMedia="1")).status_code == 200
    assert InboundSms.objects.get().body == ""


@pytest.mark.django_db
def test_the_inbound_address_takes_posts_only(client):
    assert client.get(reverse("notifications:twilio_inbound"), incoming()).status_code == 405
    assert not InboundSms.objects.exists()


def test_the_inbound_address_is_the_one_the_readme_gives():
    assert reverse("notifications:twilio_inbound") == "/sms/recus/twilio/"
