"""Hand-offs to responders outside the portal (requests_app/handoffs.py): staff give a request to a service without an
account, which answers through single-use links on /relais/<token>/ (views/handoff.py), each answer in the request's
history; staff are alerted when it does not answer; the admin's form, box and queue cell."""

import hashlib
import html
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from associations.enums import OrganisationKind
from core.log_redaction import redact_path
from notifications.enums import Channel, Event
from requests_app.enums import AccessReason, HandOffStage, HandOffState, Status
from requests_app.handoffs import (
    LinkDead,
    LinkUnusable,
    hand_off_answer,
    hand_off_link_resend,
    hand_offs_unanswered_alert,
    help_request_hand_off,
    link_find,
)
from requests_app.models import AccessLog, HandOff, HandOffLink, HelpRequest, TransitionNotAllowed
from requests_app.partners import partner_request_file
from requests_app.retention import closed_requests_anonymise
from requests_app.services import help_request_create
from tests.accounts.factories import AgentFactory
from tests.associations.factories import AssociationFactory
from tests.notifications.messages import rows
from tests.requests_app.factories import HelpRequestFactory

pytestmark = pytest.mark.django_db

# Everything that tells who the person is or what she wrote: never on the page before the request is taken.
SECRETS = ["Germaine Lalande", "Paul Lalande", "4 rue des Acacias", "623456789", "23 45 67 89", "698765432",
           "la clé est chez la voisine"]  # fmt: skip
ANSWER, FINAL = HandOffStage.ANSWER, HandOffStage.FINAL


@pytest.fixture
def agent():
    return AgentFactory(email="agent@cd54.fr")


@pytest.fixture
def help_request():
    """Filed online by Paul for his mother Germaine, who lives alone; kept informed by SMS."""
    help_request = help_request_create(
        help_request=HelpRequestFactory.build(
            requester_relation="relative",
            requester_name="Paul Lalande",
            requester_phone="+33698765432",
            requester_email="paul.lalande@exemple.fr",
            beneficiary_name="Germaine Lalande",
            beneficiary_phone="+33623456789",
            address="4 rue des Acacias",
            description="Colis alimentaire : la clé est chez la voisine.",
            volunteer_summary="Colis alimentaire pour une personne âgée, rez-de-chaussée",
            preferred_channel="sms",
            lives_alone=True,
        )
    )
    help_request.triage()
    return help_request


def hand_off(help_request, agent, **contact):
    contact = contact or {"responder_email": "ccas@luneville.fr"}
    return help_request_hand_off(
        help_request=help_request,
        responder_label="CCAS de Lunéville",
        note="Personne connue du CCAS, à appeler avant de passer.",
        by=agent,
        **contact,
    )


def page(token: str) -> str:
    return reverse("requests:handoff", args=[token])


def answer(client, token: str, reponse: str, raison: str = ""):
    return client.post(page(token), {"reponse": reponse, "raison": raison})


def text(response) -> str:
    """The page as read: "C'est fait" rather than "C&#x27;est fait"."""
    return html.unescape(response.content.decode())


def assert_nothing_of_the_person(response):
    for secret in SECRETS:
        assert secret not in text(response), secret


def history(help_request) -> list[tuple[str, str, str]]:
    return [(c.from_status, c.to_status, c.note) for c in help_request.status_changes.order_by("changed_at", "pk")]


# --- Handing off ---------------------------------------------------------------------------------------------------


def test_a_hand_off_routes_the_request_to_nobody_on_the_portal_and_emails_the_responder_its_link(
    help_request, agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        handed, token = hand_off(help_request, agent)

    help_request.refresh_from_db()
    assert (help_request.status, help_request.routed_to) == (Status.ROUTED, None)
    assert history(help_request)[-1] == (
        Status.TRIAGED, Status.ROUTED, "Confiée hors portail à CCAS de Lunéville (ccas@luneville.fr).",
    )  # fmt: skip
    # Only the token's SHA-256 is kept: the token itself is in the message, nowhere in the database.
    [link] = handed.links.all()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert (link.stage, link.used_at) == (ANSWER, None)
    assert link.expires_at == link.created_at + timedelta(hours=72)
    assert not HandOffLink.objects.filter(token_hash=token).exists()
    [email] = rows(Event.HANDOFF_SENT)
    assert (email.channel, email.recipient) == (Channel.EMAIL, "ccas@luneville.fr")
    assert email.subject == (
        "[Entraide 54] Le département de Meurthe-et-Moselle vous confie une demande d'aide : Courses à Nancy"
    )
    assert f"http://127.0.0.1:8000/relais/{token}/" in email.body
    for secret in SECRETS:
        assert secret not in email.body
    [sent] = [message for message in mail.outbox if message.to == ["ccas@luneville.fr"]]
    assert token in sent.body


def test_staff_reading_the_message_sent_see_its_link_without_the_token(client, help_request, agent):
    """The outbox keeps the text it must send; an agent reading it in the admin must not be able to open the
    responder's link (and see the contact as the responder, answer in its name)."""
    _handed, token = hand_off(help_request, agent)
    [email] = rows(Event.HANDOFF_SENT)
    client.force_login(agent)

    response = client.get(reverse("admin:notifications_notification_change", args=[email.pk]))

    assert response.status_code == 200
    content = text(response)
    assert token not in content
    assert "/relais/<token>/" in content
    assert "Lunéville" in content  # the rest of the message is there to read


def test_a_mobile_number_alone_gets_the_link_by_sms_in_one_gsm_message(help_request, agent):
    _handed, token = hand_off(help_request, agent, responder_phone="06 11 22 33 44")

    [sms] = rows(Event.HANDOFF_SENT)
    assert (sms.channel, sms.recipient) == (Channel.SMS, "+33611223344")
    assert sms.body == (
        "Entraide 54 : le département vous confie une demande (Courses, Nancy). Répondre : "
        f"http://127.0.0.1:8000/relais/{token}/"
    )


def test_the_sms_keeps_its_link_and_leaves_out_the_need_when_the_address_is_long(help_request, agent, settings):
    settings.SITE_URL = "https://entraide54.departement-meurthe-et-moselle.fr"
    _handed, token = hand_off(help_request, agent, responder_phone="+33611223344")

    [sms] = rows(Event.HANDOFF_SENT)
    assert sms.body.endswith(f"/relais/{token}/") and len(sms.body) <= 160
    assert "Courses" not in sms.body


def test_an_address_and_a_mobile_both_get_the_same_link(help_request, agent):
    _handed, token = hand_off(help_request, agent, responder_email="ccas@luneville.fr", responder_phone="0611223344")
    assert {(n.channel, token in n.body) for n in rows(Event.HANDOFF_SENT)} == {
        (Channel.EMAIL, True), (Channel.SMS, True),
    }  # fmt: skip


def test_a_request_already_routed_or_closed_cannot_be_handed_off(help_request, agent):
    hand_off(help_request, agent)
    with pytest.raises(TransitionNotAllowed):
        hand_off(help_request, agent, responder_email="banque@toul.fr")
    with pytest.raises(TransitionNotAllowed):
        hand_off(HelpRequestFactory(done=True), agent)
    assert HandOff.objects.count() == 1


# --- The responder's page: before taking ---------------------------------------------------------------------------


def test_before_taking_the_page_shows_what_to_decide_on_and_nothing_of_the_person(client, help_request, agent):
    _handed, token = hand_off(help_request, agent)

    response = client.get(page(token))

    assert response.status_code == 200
    content = text(response)
    for shown in ("Courses à Nancy", "Dans la semaine", "Colis alimentaire pour une personne âgée",
                  "Personne connue du CCAS, à appeler avant de passer.", help_request.reference, "Je prends en charge",
                  "Impossible pour nous"):  # fmt: skip
        assert shown in content, shown
    assert "C'est fait" not in content
    assert_nothing_of_the_person(response)
    assert not AccessLog.objects.exists()
    # Nothing kept by a browser, indexed, or named to another site (same-origin, not no-referrer: see the view).
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "same-origin"
    assert '<meta name="robots" content="noindex, nofollow">' in content


def test_looking_at_the_page_does_not_use_the_link(client, help_request, agent):
    _handed, token = hand_off(help_request, agent)
    for _look in range(3):  # a mail scanner, then the responder, then a colleague
        assert client.get(page(token)).status_code == 200
    assert link_find(token).used_at is None


def test_a_wrong_token_finds_a_page_without_any_data(client, help_request, agent):
    hand_off(help_request, agent)

    for address in (page("x" * 24), "/relais/court/"):
        response = client.get(address)
        assert response.status_code == 404, address
        assert_nothing_of_the_person(response)
        assert "Courses" not in text(response)
    assert "Ce lien ne mène à aucune demande" in text(client.get(page("x" * 24)))
    assert client.post(page("x" * 24), {"reponse": "prise_en_charge"}).status_code == 404


# --- Taking it ------------------------------------------------------------------------------------------------------


def test_taking_it_uses_the_link_and_moves_to_a_second_one_that_shows_the_contact(
    client, help_request, agent, django_capture_on_commit_callbacks
):
    handed, token = hand_off(help_request, agent)

    with django_capture_on_commit_callbacks(execute=True):
        response = answer(client, token, "prise_en_charge")

    assert response.status_code == 302
    second = response["Location"].removeprefix("/relais/").strip("/")
    assert response["Location"] == page(second) and second != token
    handed.refresh_from_db()
    assert (handed.state, handed.taken_at is not None) == (HandOffState.TAKEN, True)
    assert link_find(token).used_at is not None
    assert link_find(second).stage == FINAL
    assert history(help_request)[-1] == (
        Status.ROUTED, Status.ROUTED, "Prise en charge par CCAS de Lunéville (relais hors portail).",
    )  # fmt: skip
    # The same link, sent to come back to once it is done; the requester told someone will call.
    [follow_up] = rows(Event.HANDOFF_FOLLOW_UP)
    assert follow_up.recipient == "ccas@luneville.fr" and page(second) in follow_up.body
    assert_nothing_in(follow_up)
    taken = {n.channel: n.body for n in rows(Event.REQUEST_TAKEN)}
    assert "CCAS de Lunéville s'occupe de votre demande" in taken[Channel.EMAIL]
    assert "un service partenaire s'occupe de votre demande" in taken[Channel.SMS]

    response = client.get(page(second))

    assert response.status_code == 200
    content = text(response)
    for shown in ("Germaine Lalande", "tel:+33623456789", "4 rue des Acacias", "la clé est chez la voisine",
                  "Paul Lalande", "vit seule", "C'est fait"):  # fmt: skip
        assert shown in content, shown
    [line] = AccessLog.objects.all()
    assert (line.user, line.help_request, line.reason) == (None, help_request, AccessReason.HANDOFF)
    assert line.user_email == "CCAS de Lunéville <ccas@luneville.fr>"
    assert line.path == f"/relais/<token>/ (relais n° {handed.pk})" and second not in line.path
    client.get(page(second))
    assert AccessLog.objects.count() == 2  # every showing


def assert_nothing_in(notification):
    for secret in SECRETS:
        assert secret not in notification.subject and secret not in notification.body, secret


def test_the_first_link_serves_once(client, help_request, agent):
    _handed, token = hand_off(help_request, agent)
    answer(client, token, "prise_en_charge")

    for response in (answer(client, token, "prise_en_charge"), answer(client, token, "impossible", "Plus de place")):
        assert response.status_code == 410
        assert "Ce lien a déjà servi" in text(response)
        assert_nothing_of_the_person(response)
    again = client.get(page(token))
    assert again.status_code == 410 and "second lien" in text(again)
    assert_nothing_of_the_person(again)
    assert HandOff.objects.get().state == HandOffState.TAKEN
    assert not AccessLog.objects.exists()


def test_a_second_click_at_the_same_moment_finds_the_link_used(help_request, agent):
    """Two taps before the first page came back: the link row is locked and read again, the second is refused."""
    _handed, token = hand_off(help_request, agent)
    stale = link_find(token)
    hand_off_answer(link=link_find(token), answer="prise_en_charge")

    with pytest.raises(LinkUnusable) as refused:
        hand_off_answer(link=stale, answer="prise_en_charge")
    assert refused.value.why == LinkDead.USED
    assert HandOffLink.objects.filter(stage=FINAL).count() == 1


def test_an_answer_that_is_not_the_link_s_is_refused_and_changes_nothing(client, help_request, agent):
    _handed, token = hand_off(help_request, agent)

    response = answer(client, token, "fait")  # "c'est fait" before taking it

    assert response.status_code == 400
    assert "Choisissez une des réponses proposées sur cette page." in text(response)
    assert link_find(token).used_at is None and HandOff.objects.get().state == HandOffState.SENT


# --- Final answers --------------------------------------------------------------------------------------------------


def taken(client, help_request, agent) -> tuple[HandOff, str]:
    handed, token = hand_off(help_request, agent)
    second = answer(client, token, "prise_en_charge")["Location"].removeprefix("/relais/").strip("/")
    return handed, second


def test_a_request_filed_by_a_ccas_shows_the_resident_s_number_once_and_not_as_the_agent_s(client, agent):
    """A partner files with the resident's number as the one the request is followed by (partners.py): the responder
    must not read it as the CCAS agent's number beside "Demande faite par"."""
    ccas = AssociationFactory(name="CCAS de Toul", kind=OrganisationKind.COMMUNE, rna="", siret="21540528100011")
    built = HelpRequestFactory.build(
        requester_name="", requester_phone="", reference="", tracking_token="",
        beneficiary_name="Germaine Lalande", beneficiary_phone="+33623456789", address="4 rue des Acacias",
    )  # fmt: skip
    help_request = partner_request_file(organisation=ccas, help_request=built, by=None, resident_agreed=True)
    help_request.triage()
    _handed, second = taken(client, help_request, agent)

    content = text(client.get(page(second)))

    assert "Demande faite par" in content and "CCAS de Toul" in content
    assert content.count("tel:+33623456789") == 1


def test_done_closes_the_request_as_an_organisation_s_done_does(
    client, help_request, agent, django_capture_on_commit_callbacks
):
    handed, second = taken(client, help_request, agent)

    with django_capture_on_commit_callbacks(execute=True):
        response = answer(client, second, "fait")

    assert response.status_code == 200 and "Merci, c'est noté" in text(response)
    assert_nothing_of_the_person(response)
    help_request.refresh_from_db()
    handed.refresh_from_db()
    assert (help_request.status, handed.state) == (Status.DONE, HandOffState.DONE)
    done = (Status.ROUTED, Status.DONE, "Faite par CCAS de Lunéville (relais hors portail).")
    assert history(help_request)[-1] == done
    # What "done" triggers elsewhere: the requester, who chose SMS, is asked whether help arrived.
    assert help_request.arrival_asked_at is not None
    assert [n.recipient for n in rows(Event.HELP_ARRIVED_ASKED)] == ["+33698765432"]
    again = client.get(page(second))
    assert again.status_code == 410 and "Cette demande ne vous est plus confiée" in text(again)
    assert_nothing_of_the_person(again)
    assert answer(client, second, "fait").status_code == 410  # a second tap changes nothing
    assert HelpRequest.objects.get(pk=help_request.pk).status_changes.filter(to_status=Status.DONE).count() == 1


def test_impossible_sends_the_request_back_to_staff_with_the_reason(
    client, help_request, agent, django_capture_on_commit_callbacks
):
    handed, token = hand_off(help_request, agent)

    with django_capture_on_commit_callbacks(execute=True):
        response = answer(client, token, "impossible", "  Pas de colis avant la semaine prochaine.  ")

    assert response.status_code == 200 and "Un agent du département reprend la demande" in text(response)
    help_request.refresh_from_db()
    handed.refresh_from_db()
    assert help_request.status == Status.NEEDS_STAFF
    assert (handed.state, handed.decline_reason) == (HandOffState.DECLINED, "Pas de colis avant la semaine prochaine.")
    assert history(help_request)[-2:] == [
        (Status.ROUTED, Status.TRIAGED,
         "Impossible pour CCAS de Lunéville (relais hors portail) : Pas de colis avant la semaine prochaine."),
        (Status.TRIAGED, Status.NEEDS_STAFF, "À confier ailleurs : le relais hors portail ne peut pas s'en occuper."),
    ]  # fmt: skip
    [alert] = rows(Event.HANDOFF_DECLINED)
    assert alert.recipient == "agent@cd54.fr"
    assert "Pas de colis" not in alert.body  # it may speak of the person: read on the request's page
    assert reverse("admin:requests_app_helprequest_change", args=[help_request.pk]) in alert.body
    assert rows(Event.HANDOFF_ENDED) == []  # the responder said it: no message back


def test_impossible_after_taking_it_hides_the_contact_again(client, help_request, agent):
    _handed, second = taken(client, help_request, agent)

    answer(client, second, "impossible", "Finalement injoignable pour nous")

    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.NEEDS_STAFF
    response = client.get(page(second))
    assert response.status_code == 410
    assert_nothing_of_the_person(response)


def test_impossible_without_a_reason_comes_back_refilled_with_a_french_message(client, help_request, agent):
    _handed, token = hand_off(help_request, agent)

    response = answer(client, token, "impossible", "   ")

    assert response.status_code == 400
    content = text(response)
    assert "Raison : Dites en quelques mots pourquoi, pour que l'agent trouve une autre solution." in content
    assert '<details class="mb-4" open>' in content
    assert_nothing_of_the_person(response)
    assert link_find(token).used_at is None
    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.ROUTED


# --- Links that no longer serve ------------------------------------------------------------------------------------


def test_a_link_expires(client, help_request, agent, settings):
    settings.HANDOFF_LINK_VALID_HOURS = 48
    _handed, token = hand_off(help_request, agent)

    with time_machine.travel(timezone.now() + timedelta(hours=48, minutes=1)):
        response = client.get(page(token))
        refused = answer(client, token, "prise_en_charge")

    assert response.status_code == 410
    assert "Ce lien a expiré" in text(response) and 'href="tel:+33383945454"' in text(response)
    assert_nothing_of_the_person(response)
    assert refused.status_code == 410
    assert HandOff.objects.get().state == HandOffState.SENT


def test_staff_send_a_fresh_link_and_the_older_one_dies(client, help_request, agent):
    handed, token = hand_off(help_request, agent)

    fresh = hand_off_link_resend(hand_off=handed)

    response = client.get(page(token))
    assert response.status_code == 410 and "Un lien plus récent vous a été envoyé" in text(response)
    assert client.get(page(fresh)).status_code == 200
    assert [n.body.count(fresh) for n in rows(Event.HANDOFF_SENT)] == [0, 1]


def test_a_request_cancelled_meanwhile_ends_the_hand_off_and_the_responder_is_told(client, help_request, agent):
    handed, second = taken(client, help_request, agent)

    help_request.cancel(note="Annulée par le demandeur.")

    handed.refresh_from_db()
    assert handed.state == HandOffState.ENDED and handed.ended_at is not None
    response = client.get(page(second))
    assert response.status_code == 410 and "Cette demande ne vous est plus confiée" in text(response)
    assert_nothing_of_the_person(response)
    [told] = rows(Event.HANDOFF_ENDED)
    assert told.recipient == "ccas@luneville.fr" and "n'est plus à faire par vous" in told.body
    assert_nothing_in(told)


def test_pages_are_rate_limited_per_address(client, help_request, agent, settings):
    settings.RATE_LIMIT_HANDOFF_LINK = "2/h"
    _handed, token = hand_off(help_request, agent)

    assert client.get(page("y" * 24)).status_code == 404
    assert client.get(page(token)).status_code == 200
    response = client.get(page(token))

    assert response.status_code == 429 and "Trop de tentatives" in text(response)
    assert_nothing_of_the_person(response)


def test_hostile_answers_are_refused_clearly_and_change_nothing(client, help_request, agent):
    _handed, token = hand_off(help_request, agent)

    for data in (
        {},
        {"reponse": "x" * 10_000},
        {"reponse": "impossible", "raison": "x" * 10_000},
        {"reponse": "<script>alert(1)</script>", "raison": "<script>alert(1)</script>"},
    ):
        response = answer(client, token, data.get("reponse", ""), data.get("raison", ""))
        assert response.status_code == 400, data
        assert "<script>alert(1)</script>" not in response.content.decode()
    assert client.get("/relais/' OR 1=1 --/").status_code == 404
    assert link_find(token).used_at is None and HandOff.objects.get().state == HandOffState.SENT


def test_the_link_s_token_never_reaches_a_log_line():
    assert redact_path("/relais/AbCdEf0123456789_-xyzAbCd/") == "/relais/<token>/"


# --- Staff alerted when nobody answers -------------------------------------------------------------------------------


def test_staff_are_alerted_once_when_the_responder_does_not_answer(help_request, agent, settings):
    settings.HANDOFF_ANSWER_HOURS = 24
    handed, _token = hand_off(help_request, agent)
    answered, answered_token = hand_off(HelpRequestFactory(triaged=True), agent, responder_email="banque@toul.fr")
    hand_off_answer(link=link_find(answered_token), answer="prise_en_charge")
    young, _young_token = hand_off(HelpRequestFactory(triaged=True), agent, responder_email="saad@nancy.fr")
    HandOff.objects.exclude(pk=young.pk).update(created_at=timezone.now() - timedelta(hours=25))

    assert hand_offs_unanswered_alert() == 1
    assert hand_offs_unanswered_alert() == 0  # a second run of the beat, or a redelivered task

    [alert] = rows(Event.HANDOFF_UNANSWERED)
    assert alert.recipient == "agent@cd54.fr" and alert.help_request == help_request
    assert alert.subject == f"[Entraide 54] Relais hors portail sans réponse : demande {help_request.reference}"
    assert "CCAS de Lunéville n'a pas répondu, 24 heures après" in alert.body
    assert "ccas@luneville.fr" in alert.body  # whom to call: the responder's own address
    assert_nothing_in(alert)
    handed.refresh_from_db()
    assert handed.alerted_at is not None and HandOff.objects.filter(alerted_at__isnull=False).count() == 1


def test_the_reminder_runs_on_beat_and_in_the_worker(settings):
    from entraide.celery import app

    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["alert-unanswered-hand-offs"]
    assert entry["task"] in app.tasks and entry["schedule"] == 15 * 60


# --- Retention ------------------------------------------------------------------------------------------------------


def test_retention_erases_what_staff_and_the_responder_wrote(client, help_request, agent, settings):
    handed, token = hand_off(help_request, agent)
    answer(client, token, "impossible", "Mme Lalande est déjà suivie par nous")
    HelpRequest.objects.get(pk=help_request.pk).cancel()
    HelpRequest.objects.filter(pk=help_request.pk).update(status_changed_at=timezone.now() - timedelta(days=91))

    closed_requests_anonymise()

    handed.refresh_from_db()
    assert (handed.note, handed.decline_reason, handed.responder_label) == ("", "", "CCAS de Lunéville")


# --- Staff's side, in the admin -------------------------------------------------------------------------------------


def change_page(help_request) -> str:
    return reverse("admin:requests_app_helprequest_change", args=[help_request.pk])


def form_page(help_request) -> str:
    return reverse("admin:requests_app_helprequest_hand_off", args=[help_request.pk])


def test_staff_hand_off_from_the_request_s_page(client, staff, help_request):
    assert "Confier hors portail" in text(client.get(change_page(help_request)))
    assert client.get(form_page(help_request)).status_code == 200

    response = client.post(
        form_page(help_request),
        {"responder_label": "CCAS de Lunéville", "responder_email": "", "responder_phone": "06 11 22 33 44",
         "note": "Connue du CCAS."},
    )  # fmt: skip

    assert response.status_code == 302 and response["Location"] == change_page(help_request)
    handed = HandOff.objects.get()
    assert (handed.responder_phone.as_e164, handed.created_by) == ("+33611223344", staff)
    assert handed.note == "Connue du CCAS."
    page_text = text(client.get(change_page(help_request)))
    assert "Confiée à CCAS de Lunéville (hors portail), sans réponse depuis 0 min" in page_text
    assert "Renvoyer le lien" in page_text and "Reprendre la demande" in page_text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"responder_label": "CCAS de Lunéville"}, "Donnez un courriel ou un numéro de portable"),
        ({"responder_label": "CCAS", "responder_phone": "03 83 00 00 00"}, "Un numéro fixe ne reçoit pas de SMS"),
        ({"responder_label": "CCAS", "responder_phone": "12"}, "Numéro de téléphone invalide"),
        ({"responder_label": "CCAS", "responder_email": "ccas@"}, "Saisissez une adresse de courriel valide."),
        ({"responder_label": "", "responder_email": "ccas@luneville.fr"}, "Ce champ est obligatoire."),
        ({"responder_label": "CCAS", "responder_email": "ccas@luneville.fr", "note": "Appeler Mme au 06 12 34 56 78"},
         "N'écrivez ici ni téléphone ni adresse électronique"),
    ],
)  # fmt: skip
def test_the_admin_form_refuses_in_french_and_keeps_what_was_typed(client, staff, help_request, data, message):
    response = client.post(form_page(help_request), {"note": "", **data})

    assert response.status_code == 400
    content = text(response)
    assert message in content
    if data["responder_label"]:
        assert f'value="{data["responder_label"]}"' in content
    assert not HandOff.objects.exists()
    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.TRIAGED


def test_a_mobile_alone_is_refused_when_the_sms_provider_carries_no_link(client, staff, help_request, settings):
    settings.SMS_BACKEND, settings.OVH_SMS_SENDER = "ovh", ""  # OVHcloud's short number (core.sms.links_allowed)

    response = client.post(form_page(help_request), {"responder_label": "CCAS", "responder_phone": "0611223344"})

    assert response.status_code == 400 and "donnez une adresse électronique" in text(response)


def test_a_closed_request_cannot_be_handed_off_from_the_admin(client, staff):
    closed = HelpRequestFactory(done=True)
    assert "Confier hors portail" not in text(client.get(change_page(closed)))

    response = client.post(form_page(closed), {"responder_label": "CCAS", "responder_email": "ccas@luneville.fr"})

    assert response.status_code == 400 and "ne peut pas passer à" in text(response)


def test_staff_take_the_request_back_and_the_responder_is_told(client, staff, help_request):
    handed, token = hand_off(help_request, staff)
    withdraw = reverse("admin:requests_app_helprequest_hand_off_withdraw", args=[help_request.pk, handed.pk])

    response = client.post(withdraw)

    assert response.status_code == 302
    help_request.refresh_from_db()
    handed.refresh_from_db()
    assert (help_request.status, handed.state) == (Status.TRIAGED, HandOffState.ENDED)
    assert history(help_request)[-1][2] == "Reprise au relais hors portail CCAS de Lunéville par un agent."
    assert [n.recipient for n in rows(Event.HANDOFF_ENDED)] == ["ccas@luneville.fr"]
    assert client.get(page(token)).status_code == 410
    # Free again: it may be handed off, to the same or another.
    assert "Confier hors portail" in text(client.get(change_page(help_request)))


def test_staff_send_the_link_again_from_the_request_s_page(client, staff, help_request):
    handed, token = hand_off(help_request, staff)
    resend = reverse("admin:requests_app_helprequest_hand_off_resend", args=[help_request.pk, handed.pk])

    assert client.post(resend).status_code == 302

    assert len(rows(Event.HANDOFF_SENT)) == 2
    assert client.get(page(token)).status_code == 410
    assert client.get(resend).status_code == 403  # a button's target, POST only


def test_the_queue_says_who_has_it_outside_the_portal_and_flags_no_answer(client, staff, help_request, settings):
    settings.HANDOFF_ANSWER_HOURS = 24
    hand_off(help_request, staff)
    changelist = reverse("admin:requests_app_helprequest_changelist")

    assert "Confiée à CCAS de Lunéville (hors portail), sans réponse depuis 0 min" in text(client.get(changelist))
    assert help_request.reference not in text(client.get(changelist, {"file": "relais-sans-reponse"}))

    HandOff.objects.update(created_at=timezone.now() - timedelta(days=2))
    content = text(client.get(changelist, {"file": "relais-sans-reponse"}))
    assert help_request.reference in content
    assert "sans réponse depuis 2 j" in content and "entraide-wait--late" in content


def test_staff_read_the_hand_offs_but_change_nothing(client, staff, help_request):
    handed, _token = hand_off(help_request, staff)

    assert client.get(reverse("admin:requests_app_handoff_changelist")).status_code == 200
    detail = client.get(reverse("admin:requests_app_handoff_change", args=[handed.pk]))
    assert detail.status_code == 200 and "CCAS de Lunéville" in text(detail)
    assert 'name="_save"' not in text(detail)
    assert client.get(reverse("admin:requests_app_handoff_add")).status_code == 403


# --- Query budget of the responder's page ----------------------------------------------------------------------------


def test_the_responder_s_pages_make_a_fixed_number_of_queries(client, help_request, agent, django_assert_num_queries):
    _handed, token = hand_off(help_request, agent)
    # The link with its hand-off, request, help type and commune, in one query (the rate limit counts in Redis).
    with django_assert_num_queries(1):
        assert client.get(page(token)).status_code == 200
    second = answer(client, token, "prise_en_charge")["Location"]
    # The same, and the access-log line for the contact details shown.
    with django_assert_num_queries(2):
        assert client.get(second).status_code == 200
