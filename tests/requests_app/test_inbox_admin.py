"""The staff inbox, "SMS reçus": what waits for an agent, the conversation with a number, an answer by SMS that fits
one SMS, "marquer comme traité", the access log, the permissions and the count where staff look."""

import html
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from core.sms import LocmemBackend
from notifications.enums import Channel, DeliveryStatus, Event, InboundKind
from notifications.models import InboundSms, Notification, SmsOptOut
from requests_app.enums import AccessReason, Source
from requests_app.models import AccessLog
from tests.accounts.factories import AgentFactory, UserFactory
from tests.notifications.factories import InboundSmsFactory
from tests.requests_app.factories import HelpRequestFactory

pytestmark = pytest.mark.django_db

INBOX = reverse("admin:notifications_inboundsms_changelist")


def page_of(inbound) -> str:
    return reverse("admin:notifications_inboundsms_change", args=[inbound.pk])


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def listed(response) -> list[int]:
    return [message.pk for message in response.context["cl"].result_list]


@pytest.fixture(autouse=True)
def sms_outbox():
    LocmemBackend.outbox.clear()
    yield LocmemBackend.outbox
    LocmemBackend.outbox.clear()


# --- The list ------------------------------------------------------------------------------------------------------


def test_the_inbox_opens_on_what_waits_for_an_agent_the_latest_first(client, staff):
    help_request = HelpRequestFactory()
    older = InboundSmsFactory(waiting=True, received_at=timezone.now() - timedelta(hours=2))
    latest = InboundSmsFactory(
        waiting=True,
        body="La dame n'est pas venue, pouvez-vous me rappeler ?",
        help_request=help_request,
        sender="+33612345678",
    )
    InboundSmsFactory(kind=InboundKind.ACCEPT, outcome="Proposition acceptée.")  # the portal acted on it alone
    InboundSmsFactory(waiting=True, handled_at=timezone.now(), handled_by=staff)

    response = client.get(INBOX)

    assert listed(response) == [latest.pk, older.pk]
    page = text(response)
    assert "SMS reçus à traiter : 2" in page
    assert "La dame n'est pas venue, pouvez-vous me rappeler ?" in page
    assert "06 12 34 56 78" in page and "Message à lire" in page and "Transmis aux agents" in page
    assert f'href="{reverse("admin:requests_app_helprequest_change", args=[help_request.pk])}"' in (
        response.content.decode()
    )


def test_what_was_dealt_with_and_what_the_portal_answered_are_listed_when_asked_for(client, staff):
    handled = InboundSmsFactory(waiting=True, handled_at=timezone.now(), handled_by=staff)
    automatic = InboundSmsFactory(kind=InboundKind.STOP)
    InboundSmsFactory(waiting=True)

    assert listed(client.get(INBOX, {"etat": "traites"})) == [handled.pk]
    assert listed(client.get(INBOX, {"etat": "automatiques"})) == [automatic.pk]
    assert len(listed(client.get(INBOX, {"etat": "tous"}))) == 3
    assert listed(client.get(INBOX, {"etat": "tous", "kind__exact": "stop"})) == [automatic.pk]
    assert "Camille Martin" in text(client.get(INBOX, {"etat": "traites"}))  # who dealt with it


def test_the_inbox_is_searched_by_number_as_typed_and_by_reference(client, staff):
    help_request = HelpRequestFactory(reference="E54-7K3Q-9PXD")
    by_number = InboundSmsFactory(waiting=True, sender="+33612345678")
    by_reference = InboundSmsFactory(waiting=True, help_request=help_request)

    assert listed(client.get(INBOX, {"q": "06 12 34 56 78"})) == [by_number.pk]
    assert listed(client.get(INBOX, {"q": "e54 7k3q 9pxd"})) == [by_reference.pk]
    assert listed(client.get(INBOX, {"q": "n'importe quoi"})) == []


def test_every_look_at_the_list_is_in_the_access_log(client, staff):
    help_request = HelpRequestFactory()
    InboundSmsFactory(waiting=True, help_request=help_request)
    InboundSmsFactory(waiting=True)  # tied to no request: the look is logged once, without one

    client.get(INBOX)

    logged = AccessLog.objects.filter(user=staff, reason=AccessReason.SEARCH, path=INBOX)
    assert sorted(logged.values_list("help_request", flat=True), key=str) == sorted([help_request.pk, None], key=str)


def test_staff_who_may_not_see_contact_details_do_not_open_the_inbox(client):
    agent = UserFactory(is_staff=True)
    agent.user_permissions.add(*Permission.objects.filter(codename__in=["view_inboundsms", "change_inboundsms"]))
    client.force_login(agent)
    message = InboundSmsFactory(waiting=True)

    assert client.get(INBOX).status_code == 403
    assert client.get(page_of(message)).status_code == 403
    assert client.post(page_of(message), {"text": "Bonjour"}).status_code == 403
    assert not Notification.objects.exists()


# --- The conversation ----------------------------------------------------------------------------------------------


def test_the_page_shows_the_conversation_with_the_number_oldest_first_and_its_request(client, staff):
    now = timezone.now()
    help_request = HelpRequestFactory(requester_name="Josiane Colin", requester_phone="+33612345678")
    Notification.objects.create(
        event=Event.REQUEST_RECEIVED, channel=Channel.SMS, recipient="+33612345678", help_request=help_request,
        body="Entraide 54 : demande enregistrée.", status=DeliveryStatus.DELIVERED, created_at=now - timedelta(days=1),
    )  # fmt: skip
    first = InboundSmsFactory(sender="+33612345678", body="Merci beaucoup", received_at=now - timedelta(hours=5))
    message = InboundSmsFactory(
        waiting=True, sender="+33612345678", body="Personne n'est venu", help_request=help_request
    )
    InboundSmsFactory(sender="+33699999999", body="Un autre numéro")

    response = client.get(page_of(message))

    assert response.status_code == 200
    page = text(response)
    assert page.index("demande enregistrée") < page.index("Merci beaucoup") < page.index("Personne n'est venu")
    assert "Un autre numéro" not in page
    assert "Remise" in page  # the delivery of what was sent
    assert help_request.reference in page and "Josiane Colin" in page
    assert first.pk != message.pk
    logged = AccessLog.objects.get(user=staff, reason=AccessReason.STAFF_DETAIL)
    assert logged.help_request == help_request and logged.path == page_of(message)


@pytest.mark.parametrize(
    "fields, warned",
    [({}, False), ({"no_internet": True}, True), ({"source": Source.PHONE}, True)],
)
def test_the_page_warns_not_to_send_a_link_to_whoever_may_have_no_internet(client, staff, fields, warned):
    """They said so, or asked by phone (HelpRequest.offline): the request's SMS to them carried no link either."""
    help_request = HelpRequestFactory(requester_phone="+33612345678", **fields)
    message = InboundSmsFactory(waiting=True, sender="+33612345678", help_request=help_request)

    assert ("Sans internet : pas de lien dans la réponse." in text(client.get(page_of(message)))) is warned


def test_a_text_tied_to_no_request_shows_the_requests_of_its_number(client, staff):
    mine = HelpRequestFactory(requester_phone="+33612345678")
    HelpRequestFactory(requester_phone="+33611111111")
    message = InboundSmsFactory(waiting=True, sender="+33612345678")

    page = text(client.get(page_of(message)))

    assert "rattaché à aucune demande" in page and mine.reference in page


def test_the_page_says_when_the_number_answered_stop(client, staff):
    message = InboundSmsFactory(waiting=True, sender="+33612345678")
    SmsOptOut.objects.create(number="+33612345678")

    assert "Ce numéro a répondu STOP le" in text(client.get(page_of(message)))


def test_an_unknown_message_is_not_a_server_error(client, staff):
    assert client.get(reverse("admin:notifications_inboundsms_change", args=["999999"])).status_code == 302
    assert client.get("/admin/notifications/inboundsms/abc/change/").status_code in (302, 404)


# --- Answering -----------------------------------------------------------------------------------------------------


def test_an_answer_leaves_by_sms_tied_to_the_text_and_the_request_and_closes_the_message(
    client, staff, sms_outbox, django_capture_on_commit_callbacks
):
    help_request = HelpRequestFactory()
    message = InboundSmsFactory(waiting=True, sender="+33612345678", help_request=help_request)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            page_of(message), {"text": "Bonjour, une bénévole passera jeudi matin.", "seen_handled_at": ""}
        )

    assert response.status_code == 302 and response.url == INBOX
    answer = Notification.objects.get(event=Event.STAFF_SMS)
    assert answer.recipient == "+33612345678" and answer.channel == Channel.SMS
    assert answer.in_reply_to == message and answer.help_request == help_request
    assert answer.body == "Entraide 54 : Bonjour, une bénévole passera jeudi matin."
    assert [(sms.to, sms.body) for sms in sms_outbox] == [("+33612345678", answer.body)]
    message.refresh_from_db()
    assert message.handled_by == staff and message.handled_at is not None
    assert not InboundSms.objects.for_staff().exists()
    assert "Réponse envoyée au 06 12 34 56 78." in text(client.get(INBOX))


def test_an_answer_too_long_for_one_sms_says_by_how_much_and_keeps_what_was_typed(client, staff):
    message = InboundSmsFactory(waiting=True)
    typed = "Bonjour Madame, " + "nous avons bien reçu votre message et une personne vous rappellera. " * 3

    response = client.post(page_of(message), {"text": typed, "seen_handled_at": ""})

    assert response.status_code == 400
    page = text(response)
    units = len("Entraide 54 : " + typed.strip())
    assert f"Trop long pour un seul SMS : {units} caractères avec « Entraide 54 : » placé devant, pour 160 au plus. " \
           f"Retirez-en {units - 160}." in page  # fmt: skip
    assert typed.strip() in html.unescape(response.content.decode())
    assert not Notification.objects.exists()
    message.refresh_from_db()
    assert message.handled_at is None


def test_accents_are_spelled_for_every_phone_so_a_full_sms_still_fits(client, staff):
    message = InboundSmsFactory(waiting=True)
    # With "ê" the text would be Unicode, 70 characters an SMS; spelled "e", as the outbox spells it, it fits 160.
    typed = (
        "Bonjour, Sébastien sera chez vous jeudi vers 10 h avec vos courses. "
        "Si vous êtes absente, rappelez le 03 83 94 54 54."
    )
    assert 70 < len("Entraide 54 : " + typed) <= 160
    client.post(page_of(message), {"text": typed, "seen_handled_at": ""})
    assert Notification.objects.get(event=Event.STAFF_SMS).body == "Entraide 54 : " + typed.replace("ê", "e")


def test_a_character_no_basic_phone_shows_is_named_in_the_error(client, staff):
    message = InboundSmsFactory(waiting=True)
    response = client.post(page_of(message), {"text": "Merci 🙂 " + "a" * 60, "seen_handled_at": ""})
    assert response.status_code == 400
    assert "« 🙂 » n'existe pas sur tous les téléphones, ce qui réduit un SMS à 70 caractères" in text(response)


def test_an_empty_answer_is_refused_in_french(client, staff):
    message = InboundSmsFactory(waiting=True)
    response = client.post(page_of(message), {"text": "   ", "seen_handled_at": ""})
    assert response.status_code == 400 and "Écrivez la réponse avant de l'envoyer." in text(response)


def test_an_answer_to_a_number_that_answered_stop_still_leaves(client, staff):
    message = InboundSmsFactory(waiting=True, sender="+33612345678")
    SmsOptOut.objects.create(number="+33612345678", inbound=message)
    client.post(page_of(message), {"text": "Bien noté, plus aucun SMS.", "seen_handled_at": ""})
    assert Notification.objects.get(event=Event.STAFF_SMS).in_reply_to == message


def test_a_message_another_agent_dealt_with_meanwhile_gets_no_second_answer(client, staff):
    message = InboundSmsFactory(waiting=True)
    colleague = AgentFactory(first_name="Nadia", last_name="Simon")
    message.mark_handled(by=colleague)

    response = client.post(page_of(message), {"text": "Bonjour, c'est noté.", "seen_handled_at": ""})

    assert response.status_code == 400
    assert "Nadia Simon a traité ce message à" in text(response) and "rien n'est parti" in text(response)
    assert "Bonjour, c'est noté." in text(response)  # what was typed stays
    assert not Notification.objects.exists()


def test_a_page_that_showed_the_message_handled_may_answer_again(client, staff):
    message = InboundSmsFactory(waiting=True)
    message.mark_handled(by=staff)
    seen = client.get(page_of(message)).context["reply"]["seen_handled_at"].value()

    client.post(page_of(message), {"text": "Encore une précision.", "seen_handled_at": seen})

    assert Notification.objects.filter(event=Event.STAFF_SMS).count() == 1


def test_a_forged_seen_time_is_not_a_server_error(client, staff):
    message = InboundSmsFactory(waiting=True)
    response = client.post(page_of(message), {"text": "Bonjour", "seen_handled_at": "hier"})
    assert response.status_code == 400 and "rechargez-la" in text(response)


def test_marking_handled_without_answering(client, staff):
    message = InboundSmsFactory(waiting=True)

    response = client.post(page_of(message), {"intent": "handled", "seen_handled_at": ""})

    assert response.status_code == 302 and response.url == INBOX
    message.refresh_from_db()
    assert message.handled_by == staff
    assert not Notification.objects.exists()
    response = client.post(page_of(message), {"intent": "handled", "seen_handled_at": ""})  # from a page left open
    assert response.status_code == 302 and response.url == page_of(message)


# --- Where staff look ------------------------------------------------------------------------------------------------


def test_the_number_waiting_is_on_the_admin_index_and_above_the_queue(client, staff):
    InboundSmsFactory.create_batch(3, waiting=True)
    InboundSmsFactory(waiting=True, handled_at=timezone.now())
    for path in (reverse("admin:index"), reverse("admin:requests_app_helprequest_changelist")):
        page = text(client.get(path))
        assert "3 SMS reçus attendent un agent" in page, path


def test_query_counts_are_bounded_on_the_list_and_on_a_conversation(client, staff, django_assert_max_num_queries):
    help_request = HelpRequestFactory(requester_phone="+33612345678")
    for i in range(30):
        InboundSmsFactory(waiting=True, sender="+33612345678", help_request=help_request if i % 2 else None)
        Notification.objects.create(event=Event.STAFF_SMS, channel=Channel.SMS, recipient="+33612345678", body=f"{i}")
    InboundSms.objects.update(handled_by=staff)  # a name per row, read with the rows
    message = InboundSms.objects.filter(help_request__isnull=True).first()
    client.get(INBOX)
    # Session, user, the staff group's permissions, the count for the title, the paginator's count, the rows with
    # their requests and handlers, the access log's INSERT.
    with django_assert_max_num_queries(8):
        assert client.get(INBOX).status_code == 200
    # Session, user, permissions, the message with its request, the log's two INSERTs (the page, the requests of the
    # number), those requests, the texts and the SMS of the number, the volunteer with the number, STOP, savepoints.
    with django_assert_max_num_queries(13):
        assert client.get(page_of(message)).status_code == 200
