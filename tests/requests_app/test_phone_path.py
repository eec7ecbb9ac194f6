"""The phone-only path: a request the hotline takes gets its reference by SMS to whoever chose SMS, read aloud (the
console reminds the agent, spelled in groups) to whoever chose a call or whose number answered STOP; every later
message goes by the channel chosen; and no SMS to someone who may have no internet carries a link."""

import html
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from core.sms import SmsLength, sms_length
from matching.services import proposal_accept, proposal_complete, proposal_create
from notifications.enums import Channel, Event
from notifications.models import Notification, SmsOptOut
from requests_app import notices
from requests_app.enums import ContactChannel, Source
from requests_app.models import HelpRequest
from requests_app.references import spoken
from requests_app.services import help_request_create
from tests.associations.factories import AssociationFactory
from tests.requests_app.factories import HelpRequestFactory, valid_form_data
from tests.volunteers.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db

CONSOLE = reverse("requests:intake")
PARIS = ZoneInfo("Europe/Paris")
LINK = re.compile(r"https?://|/s/")


def confirmation(response) -> str:
    """The console's confirmation, as text."""
    [block] = re.findall(
        r'<div class="entraide-confirmation"[^>]*>.*?</blockquote>.*?</div>', response.content.decode(), re.S
    )
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", block))).strip()
    return re.sub(r" ([.,])", r"\1", text)  # a tag closed just before a full stop is not a space


def take_call(client, **fields):
    response = client.post(CONSOLE, valid_form_data(**fields), follow=True)
    assert response.redirect_chain[-1][0] == CONSOLE
    return response, HelpRequest.objects.get()


def sms_bodies(event: Event) -> list[str]:
    return list(Notification.objects.filter(event=event, channel=Channel.SMS).values_list("body", flat=True))


def test_the_reference_is_spelled_in_groups_to_be_written_down():
    assert spoken("E54-7K3Q-9PXD") == "E 54 – 7 K 3 Q – 9 P X D"
    assert spoken("E2A-7K3Q-9PXD") == "E 2 A – 7 K 3 Q – 9 P X D"
    assert spoken("E974-7K3Q-9PXD") == "E 974 – 7 K 3 Q – 9 P X D"


# --- At the console --------------------------------------------------------------------------------------------------


def test_a_caller_who_chose_sms_gets_the_reference_by_sms_without_a_link_and_hears_it_too(client, staff):
    response, help_request = take_call(client, preferred_channel="sms", requester_email="")

    [sms] = Notification.objects.filter(event=Event.REQUEST_RECEIVED)
    assert (sms.channel, sms.recipient) == (Channel.SMS, "+33612345678")
    assert sms.body == (
        f"Entraide 54 : demande {help_request.reference} enregistrée. Gardez cette référence. "
        "Une question ? Appelez le 03 83 94 54 54."
    )
    told = confirmation(response)
    assert f"Demande {help_request.reference} enregistrée." in told
    assert "Un SMS avec la référence part au 06 12 34 56 78. Lisez-la aussi à l'appelant, qu'il la note :" in told
    assert spoken(help_request.reference) in told
    assert "Vous recevrez un SMS quand quelqu'un s'en occupera ; cette personne vous appellera." in told
    assert "Une question ? Appelez le 03 83 94 54 54, 7 jours sur 7 de 9 h à 18 h, et donnez votre référence." in told


def test_a_caller_who_chose_a_call_gets_no_sms_and_the_agent_reads_the_reference_aloud(client, staff):
    response, help_request = take_call(client, preferred_channel="phone", requester_email="")

    assert not Notification.objects.exists()
    told = confirmation(response)
    assert "Aucun SMS ne partira : lisez la référence à voix haute, lentement, et faites-la noter." in told
    assert spoken(help_request.reference) in told and re.search(r"E 54 – (\w ){3}\w – (\w ){3}\w", told)
    assert "Quand quelqu'un s'en occupera, cette personne vous appellera." in told
    assert "SMS part" not in told


def test_the_confirmation_says_when_the_agent_promised_to_call_back(client, staff):
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=PARIS), tick=False):
        response, _help_request = take_call(client, preferred_channel="phone", callback_at="2026-12-01T14:30")
    assert "Nous vous rappellerons le mardi 1 décembre vers 14 h 30." in confirmation(response)


def test_a_caller_with_an_email_hears_that_a_written_record_goes_there(client, staff):
    response, _help_request = take_call(client, preferred_channel="email", requester_email="josiane@exemple.fr")
    told = confirmation(response)
    assert "Un courriel avec la référence part aussi à josiane@exemple.fr." in told
    assert "Vous recevrez un courriel quand quelqu'un s'en occupera" in told
    assert sms_bodies(Event.REQUEST_RECEIVED) == []


def test_a_number_that_answered_stop_is_told_to_the_agent_who_reads_the_reference_aloud(client, staff):
    with time_machine.travel(datetime(2026, 3, 3, 18, 0, tzinfo=PARIS)):
        SmsOptOut.objects.create(number="+33612345678")

    response, help_request = take_call(client, preferred_channel="sms", requester_email="")

    told = confirmation(response)
    assert "Ce numéro a répondu STOP le 3 mars 2026 : aucun SMS ne partira, lisez la référence à voix haute." in told
    assert spoken(help_request.reference) in told
    assert "Un SMS avec la référence part" not in told and "Vous recevrez un SMS" not in told
    assert "il peut répondre START" in response.content.decode()


# --- Every later message by the channel chosen, never a link to someone without internet -----------------------


def phone_request(channel: str, **fields) -> HelpRequest:
    return help_request_create(
        help_request=HelpRequestFactory.build(
            source=Source.PHONE,
            requester_phone="+33612345678",
            requester_email="",
            preferred_channel=channel,
            **fields,
        )
    )


def test_every_step_of_a_phone_request_by_sms_reaches_the_caller_without_a_link():
    help_request = phone_request(ContactChannel.SMS)
    help_request.triage()
    proposal = proposal_create(help_request=help_request, volunteer=VolunteerProfileFactory())
    proposal_complete(proposal=proposal_accept(proposal=proposal), report="Courses livrées.", concern=False)

    reference = help_request.reference
    to_caller = Notification.objects.filter(recipient="+33612345678").order_by("created_at", "pk")
    assert [(n.event, n.channel) for n in to_caller] == [
        (Event.REQUEST_RECEIVED, Channel.SMS),
        (Event.REQUEST_TAKEN, Channel.SMS),
        (Event.HELP_ARRIVED_ASKED, Channel.SMS),  # which also says the request is done: one SMS, not two
    ]
    for message in to_caller:
        assert not LINK.search(message.body), message.body
        assert "03 83 94 54 54" in message.body, message.body
    # Every SMS names the request by the whole reference the caller was given on the phone.
    assert all(reference in message.body for message in to_caller)
    assert f"votre demande {reference} est terminée. L'aide est-elle bien arrivée ?" in to_caller[2].body
    assert to_caller[1].body == (
        f"Entraide 54 : un bénévole s'occupe de votre demande {reference} et va vous contacter. "
        "Une question ? Appelez le 03 83 94 54 54."
    )


def test_a_phone_request_by_call_gets_no_sms_at_any_step():
    help_request = phone_request(ContactChannel.PHONE)
    help_request.triage()
    proposal = proposal_create(help_request=help_request, volunteer=VolunteerProfileFactory())
    proposal_complete(proposal=proposal_accept(proposal=proposal), report="Courses livrées.", concern=False)

    assert not Notification.objects.filter(recipient="+33612345678").exists()


def test_someone_who_said_they_have_no_internet_gets_no_link_even_from_the_online_form():
    help_request = help_request_create(
        help_request=HelpRequestFactory.build(
            source=Source.WEB, no_internet=True, requester_phone="+33612345678", preferred_channel="sms"
        )
    )
    [body] = sms_bodies(Event.REQUEST_RECEIVED)
    assert not LINK.search(body) and help_request.reference in body and "03 83 94 54 54" in body


def test_someone_with_internet_keeps_the_tracking_link():
    help_request = help_request_create(
        help_request=HelpRequestFactory.build(requester_phone="+33612345678", preferred_channel="sms")
    )
    [body] = sms_bodies(Event.REQUEST_RECEIVED)
    assert body.endswith(f"/s/{help_request.tracking_token}/")


def test_no_sms_carries_a_link_when_the_provider_would_block_it(settings):
    """OVHcloud blocks a link sent from its short number, the sender a person can answer: none is written then."""
    settings.SMS_BACKEND, settings.OVH_SMS_SENDER = "ovh", ""
    online = help_request_create(
        help_request=HelpRequestFactory.build(requester_phone="+33612345678", preferred_channel="sms")
    )
    [body] = sms_bodies(Event.REQUEST_RECEIVED)
    assert not LINK.search(body) and online.reference in body and "03 83 94 54 54" in body

    settings.OVH_SMS_SENDER = "CD54"  # a declared sender name carries links (and cannot be answered)
    help_request_create(help_request=HelpRequestFactory.build(requester_phone="+33698765432", preferred_channel="sms"))
    assert LINK.search(Notification.objects.get(event=Event.REQUEST_RECEIVED, recipient="+33698765432").body)


def test_the_sms_without_links_fit_one_gsm_message_with_a_long_portal_name(settings):
    settings.PORTAL_NAME = "Entraide Meurthe-et-Moselle"
    help_request = phone_request(ContactChannel.SMS)
    help_request.routed_to = AssociationFactory()  # "une association", the longer of the two
    notices.request_taken(help_request)
    notices.request_done(help_request)
    assert Notification.objects.filter(channel=Channel.SMS).count() == 3
    for body in Notification.objects.filter(channel=Channel.SMS).values_list("body", flat=True):
        assert sms_length(body) == SmsLength(encoding="GSM-7", units=len(body), parts=1), body
        assert not body.endswith("..."), body
