"""SMS received through OVHcloud: collected from the SMS account's inbox by a beat task (OVHcloud signs no push and
documents none: core/sms_providers/ovh.py), with the real `ovh` client against the API as documented, on the
loopback (fakes.py). Each message is stored once per OVHcloud id, handed on, and only then deleted at OVHcloud; an
error of the API loses nothing: what was not stored, or not deleted, is taken up at the next poll."""

import logging
from datetime import UTC, datetime

import pytest
from django.conf import settings as django_settings
from django.db import DatabaseError

from core import sms
from core.sms import e164
from notifications import inbound
from notifications.models import InboundSms
from notifications.tasks import collect_inbound_sms
from tests.core.sms_providers.conftest import OVH_KEYS
from tests.core.sms_providers.fakes import FakeOvh, ovh_signature

INBOX = FakeOvh.INCOMING


def stored() -> list[tuple[str, str, str]]:
    rows = InboundSms.objects.order_by("provider_message_id")
    return list(rows.values_list("provider_message_id", "sender", "body"))


@pytest.mark.django_db
def test_each_waiting_message_is_fetched_stored_handed_on_then_deleted(ovh_api, handed_on):
    ovh_api.receive(5501, "+33612345678", "OUI 9PXD", when="2025-01-14T09:31:07+01:00")
    ovh_api.receive(5502, "0033698765432", "1")
    calls_when_handed_on = []
    from notifications.inbound import sms_received

    def note(sender, inbound, **kwargs):
        calls_when_handed_on.append(list(ovh_api.calls()))

    sms_received.connect(note, weak=False)
    try:
        assert collect_inbound_sms() == 2
    finally:
        sms_received.disconnect(note)

    assert stored() == [("5501", "+33612345678", "OUI 9PXD"), ("5502", "+33698765432", "1")]
    first = InboundSms.objects.get(provider_message_id="5501")
    assert first.provider == "ovh"
    assert first.received_at == datetime(2025, 1, 14, 8, 31, 7, tzinfo=UTC)  # OVHcloud's stamp, not the poll's
    assert [message.provider_message_id for message in handed_on] == ["5501", "5502"]
    assert ovh_api.calls() == [
        ("GET", INBOX),
        ("GET", f"{INBOX}/5501"),
        ("DELETE", f"{INBOX}/5501"),
        ("GET", f"{INBOX}/5502"),
        ("DELETE", f"{INBOX}/5502"),
    ]
    # Handed on (stored and committed) before OVHcloud was asked to delete it.
    assert ("DELETE", f"{INBOX}/5501") not in calls_when_handed_on[0]
    assert ovh_api.incoming == {}


@pytest.mark.django_db
def test_the_inbox_is_read_with_signed_calls(ovh_api):
    ovh_api.receive(5501, "+33612345678", "OUI 9PXD")
    collect_inbound_sms()
    for request in (r for r in ovh_api.received if r.path != "/1.0/auth/time"):
        assert request.headers["X-Ovh-Application"] == OVH_KEYS["OVH_APPLICATION_KEY"]
        assert request.headers["X-Ovh-Signature"] == ovh_signature(
            secret=OVH_KEYS["OVH_APPLICATION_SECRET"],
            consumer_key=OVH_KEYS["OVH_CONSUMER_KEY"],
            request=request,
            url=f"{ovh_api.url}{request.path}",
        )


@pytest.mark.django_db
def test_an_empty_inbox_costs_one_call(ovh_api, handed_on):
    assert collect_inbound_sms() == 0
    assert ovh_api.calls() == [("GET", INBOX)]
    assert handed_on == []


@pytest.mark.django_db
def test_a_message_stored_but_not_deleted_is_neither_fetched_nor_stored_again(ovh_api, handed_on):
    ovh_api.receive(5501, "+33612345678", "OUI 9PXD")
    ovh_api.queue_for("DELETE", f"{INBOX}/5501", 500, {"class": "Server::InternalServerError", "message": "Oops"})

    assert collect_inbound_sms() == 1
    assert 5501 in ovh_api.incoming  # still waiting at OVHcloud
    ovh_api.received.clear()

    assert collect_inbound_sms() == 0
    assert ovh_api.calls() == [("GET", INBOX), ("DELETE", f"{INBOX}/5501")]  # deleted now, not fetched again
    assert ovh_api.incoming == {}
    assert len(stored()) == 1 and len(handed_on) == 1


@pytest.mark.django_db
def test_a_replay_of_an_id_already_stored_is_harmless(ovh_api, handed_on):
    """Two polls running alongside may both fetch a message: the second stores nothing and hands nothing on."""
    ovh_api.receive(5501, "+33612345678", "OUI 9PXD")
    first, second = sms.inbox(), sms.inbox()
    assert first.waiting() == second.waiting() == ["5501"]
    assert inbound.receive(first.fetch("5501")) is not None
    assert inbound.receive(second.fetch("5501")) is None
    assert len(stored()) == 1 and len(handed_on) == 1


@pytest.mark.django_db
def test_a_message_not_stored_is_not_deleted_and_is_taken_at_the_next_poll(ovh_api, handed_on, monkeypatch):
    ovh_api.receive(5501, "+33612345678", "OUI 9PXD")

    def database_down(message):
        raise DatabaseError("connection lost")

    with monkeypatch.context() as patched:
        patched.setattr(inbound, "receive", database_down)
        assert collect_inbound_sms() == 0
    assert ("DELETE", f"{INBOX}/5501") not in ovh_api.calls()
    assert 5501 in ovh_api.incoming

    assert collect_inbound_sms() == 1
    assert stored() == [("5501", "+33612345678", "OUI 9PXD")]
    assert ovh_api.incoming == {}


@pytest.mark.django_db
def test_a_message_with_control_characters_is_stored_without_them_and_holds_up_no_other(ovh_api, handed_on):
    """PostgreSQL refuses a NUL in a text: stored as it came, the message would fail at each poll, and the messages
    listed after it (a STOP among them) would never be collected."""
    ovh_api.receive(5501, "+33612345678", "Bonjour\x00 merci\x07\nà demain")
    ovh_api.receive(5502, "+33698765432", "STOP")

    assert collect_inbound_sms() == 2
    assert stored() == [("5501", "+33612345678", "Bonjour merci\nà demain"), ("5502", "+33698765432", "STOP")]
    assert ovh_api.incoming == {}


LISTING_ERRORS = {
    "api failing": (500, {"class": "Server::InternalServerError", "message": "Internal server error"}),
    "proxy error page": (502, b"<html><body>502 Bad Gateway</body></html>"),
    "rate limited": (429, {"class": "Client::TooManyRequests", "message": "Too many requests"}),
    "call not granted": (
        403,
        {"errorCode": "NOT_GRANTED_CALL", "httpCode": "403 Forbidden", "message": "This call has not been granted"},
    ),
    "account forbidden": (403, {"errorCode": "FORBIDDEN", "httpCode": "403 Forbidden", "message": "Forbidden"}),
    "keys refused": (
        403,
        {"errorCode": "INVALID_CREDENTIAL", "httpCode": "403 Forbidden", "message": "This credential is not valid"},
    ),
    "no such sms account": (404, {"class": "Client::NotFound", "message": "The requested object does not exist"}),
}


@pytest.mark.django_db
@pytest.mark.parametrize("answer", LISTING_ERRORS.values(), ids=LISTING_ERRORS.keys())
def test_an_inbox_that_cannot_be_read_loses_nothing(ovh_api, handed_on, answer, caplog):
    ovh_api.receive(5501, "+33612345678", "OUI 9PXD")
    ovh_api.queue_for("GET", INBOX, *answer)

    with caplog.at_level(logging.WARNING, logger="notifications.tasks"):
        assert collect_inbound_sms() == 0
    assert ovh_api.calls() == [("GET", INBOX)]
    assert not InboundSms.objects.exists() and 5501 in ovh_api.incoming
    assert "not collected" in caplog.text

    assert collect_inbound_sms() == 1  # the next poll
    assert stored() == [("5501", "+33612345678", "OUI 9PXD")]


@pytest.mark.django_db
def test_an_api_that_does_not_answer_loses_nothing(ovh_api, handed_on):
    ovh_api.receive(5501, "+33612345678", "OUI 9PXD")
    ovh_api.stop()
    assert collect_inbound_sms() == 0
    assert not InboundSms.objects.exists() and 5501 in ovh_api.incoming


@pytest.mark.django_db
def test_a_message_that_fails_to_come_is_left_for_the_next_poll_and_the_others_are_stored(ovh_api, handed_on):
    ovh_api.receive(5501, "+33612345678", "OUI 9PXD")
    ovh_api.receive(5502, "+33698765432", "1")
    ovh_api.queue_for("GET", f"{INBOX}/5501", 503, {"class": "Server::ServiceUnavailable", "message": "Try later"})

    assert collect_inbound_sms() == 1
    assert stored() == [("5502", "+33698765432", "1")]
    assert list(ovh_api.incoming) == [5501]

    assert collect_inbound_sms() == 1
    assert [row[0] for row in stored()] == ["5501", "5502"]
    assert ovh_api.incoming == {}


@pytest.mark.django_db
def test_a_message_gone_since_it_was_listed_is_skipped(ovh_api, handed_on):
    ovh_api.receive(5502, "+33698765432", "1")
    ovh_api.queue_for("GET", INBOX, 200, [5501, 5502])  # 5501 deleted in the control panel in between

    assert collect_inbound_sms() == 1
    assert stored() == [("5502", "+33698765432", "1")]


@pytest.mark.django_db
def test_keys_that_may_not_delete_still_store_every_message_and_say_so_once(ovh_api, handed_on, caplog):
    ovh_api.receive(5501, "+33612345678", "OUI 9PXD")
    ovh_api.receive(5502, "+33698765432", "1")
    not_granted = {"errorCode": "NOT_GRANTED_CALL", "httpCode": "403 Forbidden", "message": "Not granted"}
    ovh_api.queue_for("DELETE", f"{INBOX}/5501", 403, not_granted)

    with caplog.at_level(logging.ERROR, logger="notifications.inbound"):
        assert collect_inbound_sms() == 2
    assert len(stored()) == 2
    assert ("DELETE", f"{INBOX}/5502") not in ovh_api.calls()  # not tried again within the poll
    assert caplog.text.count("grant the deletion") == 1


@pytest.mark.django_db
def test_a_message_whose_sender_cannot_be_read_stays_at_ovhcloud(ovh_api, handed_on):
    ovh_api.receive(5501, "", "???")
    ovh_api.receive(5502, "+33698765432", "1")

    assert collect_inbound_sms() == 1
    assert stored() == [("5502", "+33698765432", "1")]
    assert list(ovh_api.incoming) == [5501]  # for staff to read in the control panel


@pytest.mark.django_db
def test_a_stamp_without_offset_is_paris_time_and_a_missing_one_is_now(ovh_api, handed_on):
    ovh_api.receive(5501, "+33612345678", "1", when="2025-07-01T10:00:00")
    ovh_api.receive(5502, "+33612345678", "2", when="")
    before = datetime.now(UTC)
    collect_inbound_sms()
    assert InboundSms.objects.get(provider_message_id="5501").received_at == datetime(2025, 7, 1, 8, 0, tzinfo=UTC)
    assert InboundSms.objects.get(provider_message_id="5502").received_at >= before


@pytest.mark.django_db
@pytest.mark.parametrize("backend", ["twilio", "locmem", "console"])
def test_the_task_does_nothing_unless_the_backend_is_ovh(ovh_api, settings, backend):
    ovh_api.receive(5501, "+33612345678", "OUI 9PXD")
    settings.SMS_BACKEND = backend
    assert collect_inbound_sms() == 0
    assert ovh_api.received == [] and not InboundSms.objects.exists()


@pytest.mark.django_db
def test_missing_settings_read_nothing(ovh_api, settings, caplog):
    settings.OVH_SMS_SERVICE_NAME = ""
    with caplog.at_level(logging.ERROR, logger="notifications.tasks"):
        assert collect_inbound_sms() == 0
    assert ovh_api.received == []
    assert "OVH_SMS_SERVICE_NAME" in caplog.text


def test_beat_collects_the_inbox_every_minute_by_default():
    entry = django_settings.CELERY_BEAT_SCHEDULE["collect-inbound-sms"]
    assert entry == {"task": "notifications.tasks.collect_inbound_sms", "schedule": 60}


@pytest.mark.parametrize(
    "number, expected",
    [("+33612345678", "+33612345678"), ("0033612345678", "+33612345678"), ("06 12 34 56 78", "+33612345678"),
     ("+447700900123", "+447700900123")],
)  # fmt: skip
def test_senders_are_stored_in_e164(number, expected):
    assert e164(number) == expected


@pytest.mark.parametrize("number", ["", "ENTRAIDE", "12"])
def test_a_sender_that_is_no_phone_number_is_refused(number):
    with pytest.raises(ValueError):
        e164(number)
