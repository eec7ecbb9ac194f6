"""What the portal does with an SMS a person sends it (requests_app/sms_replies.py): what it reads, what it does,
what it answers, what it leaves to staff. Messages arrive as a provider's webhook hands them on, through
notifications.inbound.receive."""

from datetime import timedelta
from itertools import count

import pytest
from django.db.models.functions import Length
from django.utils import timezone

from core.models import Commune
from core.sms import ReceivedSms, SmsLength, sms_length
from matching.enums import ProposalStatus
from matching.services import proposal_create
from notifications.enums import Channel, Event, InboundKind
from notifications.inbound import receive
from notifications.models import InboundSms, Notification, SmsOptOut
from requests_app.enums import AccessReason, Status
from requests_app.models import AccessLog
from requests_app.names import first_name
from requests_app.privacy import CONFIRMATION_SMS_PATH
from requests_app.sms_replies import Reply, read
from tests.accounts.factories import AgentFactory
from tests.notifications.messages import assert_no_personal_data, jeanne_s_request, rows
from tests.requests_app.factories import HelpRequestFactory
from tests.volunteers.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db

VOLUNTEER = "+33698765432"
JEANNE = "+33612345678"  # Jeanne Martin's, tests/notifications/messages.py
RECEIVED = (
    "Entraide 54 : message bien arrivé, un agent vous répondra (accueil : 7 jours sur 7 de 9 h à 18 h). Urgence : 112."
)
message_ids = count(1)


def sms(sender: str, body: str, *, message_id: str = "") -> InboundSms | None:
    """An SMS as a provider hands it on."""
    return receive(
        ReceivedSms(
            provider="ovh",
            message_id=message_id or f"msg-{next(message_ids)}",
            sender=sender,
            body=body,
            received_at=timezone.now(),
        )
    )


def answers(inbound: InboundSms) -> list[str]:
    return [n.body for n in Notification.objects.filter(in_reply_to=inbound, channel=Channel.SMS).order_by("pk")]


def statuses(*proposals):
    for proposal in proposals:
        proposal.refresh_from_db()
    return [proposal.status for proposal in proposals]


def assert_one_gsm_sms(body: str) -> None:
    assert sms_length(body) == SmsLength(encoding="GSM-7", units=len(body), parts=1), body
    assert not body.endswith("..."), body


@pytest.fixture
def staff_member():
    return AgentFactory(email="agent@cd54.fr")


@pytest.fixture
def volunteer():
    return VolunteerProfileFactory(phone=VOLUNTEER)


def proposed(volunteer, **request_fields):
    """A request filed by Jeanne Martin (see tests/notifications/messages.py), proposed to the volunteer."""
    help_request = jeanne_s_request()
    for name, value in request_fields.items():
        setattr(help_request, name, value)
    help_request.save()
    help_request.triage()
    return proposal_create(help_request=help_request, volunteer=volunteer)


# --- Reading ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, reply",
    [
        ("oui", Reply(InboundKind.ACCEPT)),
        ("Oui.", Reply(InboundKind.ACCEPT)),
        ("  OUI   ", Reply(InboundKind.ACCEPT)),
        ("OUI 9pxd", Reply(InboundKind.ACCEPT, "9PXD")),
        ("oui, 9PXD !", Reply(InboundKind.ACCEPT, "9PXD")),
        ("ok", Reply(InboundKind.ACCEPT)),
        ("Ok merci", Reply(InboundKind.ACCEPT)),
        ("d'accord", Reply(InboundKind.ACCEPT)),
        ("D’accord 9PXD", Reply(InboundKind.ACCEPT, "9PXD")),
        ("Bonjour, oui merci", Reply(InboundKind.ACCEPT)),
        ("non merci", Reply(InboundKind.DECLINE)),
        ("NON", Reply(InboundKind.DECLINE)),
        ("Non 9PXD", Reply(InboundKind.DECLINE, "9PXD")),
        ("pas d'accord", Reply(InboundKind.DECLINE)),
        ("1", Reply(InboundKind.ARRIVED)),
        ("2", Reply(InboundKind.NOT_ARRIVED)),
        ("1 9PXD", Reply(InboundKind.ARRIVED, "9PXD")),
        ("2 9pxd", Reply(InboundKind.NOT_ARRIVED, "9PXD")),
        # The letters a code never holds, typed for the digits they look like, as normalise_reference reads them.
        ("OUI 9P0X", Reply(InboundKind.ACCEPT, "9P0X")),
        ("OUI 9POX", Reply(InboundKind.ACCEPT, "9P0X")),
        ("oui 1lo0", Reply(InboundKind.ACCEPT, "1100")),
        # The whole reference, as the person has it from the phone call or the first SMS.
        ("OUI E54-7K3Q-9PXD", Reply(InboundKind.ACCEPT, "9PXD")),
        ("oui e54 7k3q 9pxd", Reply(InboundKind.ACCEPT, "9PXD")),
        ("1 E547K3Q9PXD", Reply(InboundKind.ARRIVED, "9PXD")),
        ("1 7K3Q-9PXD", Reply(InboundKind.ARRIVED, "9PXD")),
        ("oui vraiment", Reply(InboundKind.OTHER)),  # eight letters are a word, not a reference without its prefix
        ("STOP", Reply(InboundKind.STOP)),
        ("Stop.", Reply(InboundKind.STOP)),
        ("stop", Reply(InboundKind.STOP)),
        ("ARRET", Reply(InboundKind.STOP)),
        ("ARRÊT", Reply(InboundKind.STOP)),
        ("Arrêtez de m'écrire", Reply(InboundKind.STOP)),
        ("stop sms", Reply(InboundKind.STOP)),
        ("STOP SMS svp", Reply(InboundKind.STOP)),
        ("START", Reply(InboundKind.START)),
        ("start.", Reply(InboundKind.START)),
        ("AIDE", Reply(InboundKind.HELP)),
        ("aide ?", Reply(InboundKind.HELP)),
        ("HELP", Reply(InboundKind.HELP)),
        ("INFO", Reply(InboundKind.HELP)),
        # Anything more than a yes or a no is for a person to read.
        ("oui mais pas avant jeudi", Reply(InboundKind.OTHER)),
        ("aide pour mes courses svp", Reply(InboundKind.OTHER)),
        ("OUI AIDE", Reply(InboundKind.OTHER)),  # AIDE is spelled like a code (A1DE): a keyword never is one
        # A stop word among a few words stops, wherever it is: a person who wants no more SMS is not asked to rephrase.
        ("OUI STOP", Reply(InboundKind.STOP)),
        ("Merci, stop", Reply(InboundKind.STOP)),
        ("Bonjour STOP", Reply(InboundKind.STOP)),
        ("non merci stop", Reply(InboundKind.STOP)),
        ("Je ne veux plus de SMS", Reply(InboundKind.STOP)),
        ("il faut que ça s'arrête stop ou pas", Reply(InboundKind.OTHER)),  # a sentence: for a person to read
        # Four letters after a yes may be a code or a word: only the codes the number was sent tell (act()).
        ("Oui mais", Reply(InboundKind.ACCEPT, "MA1S", code_may_be_a_word=True)),
        ("Ok QVDX", Reply(InboundKind.ACCEPT, "QVDX", code_may_be_a_word=True)),
        ("NON 9PXD 7K3Q", Reply(InboundKind.OTHER)),  # two codes: which one?
        ("OUI 9PXU", Reply(InboundKind.OTHER)),  # U is no code's
        ("9PXD", Reply(InboundKind.OTHER)),
        ("Merci", Reply(InboundKind.OTHER)),
        ("👍", Reply(InboundKind.OTHER)),
        ("", Reply(InboundKind.OTHER)),
        ("La dame n'était pas là", Reply(InboundKind.OTHER)),
    ],
)
def test_replies_are_read_whatever_their_accents_case_spacing_and_punctuation(body, reply):
    assert read(body) == reply


@pytest.mark.parametrize(
    "name, first",
    [
        ("Jeanne Martin", "Jeanne"),
        ("MARTIN Jeanne", "Jeanne"),
        ("DE LA TOUR Marie Claire", "Marie Claire"),
        ("Jeanne", "Jeanne"),
        ("", ""),
        # The surname first, no capitals to tell it: the first names people bear do.
        ("Dupont Jeanne", "Jeanne"),
        ("martin jeanne", "Jeanne"),
        ("Bernard Monique", "Monique"),
        ("Dupont, Raymonde", "Raymonde"),
        ("Dupont Marie Claire", "Marie Claire"),
        ("Durand jean-pierre", "Jean-Pierre"),
        ("JEANNE MARTIN", "Jeanne"),
        # Titles and the "et" of a couple are no names; after a title, a lone word is the surname.
        ("Mme Jeanne Martin", "Jeanne"),
        ("M. Paul DURAND", "Paul"),
        ("Madame Monique Petit", "Monique"),
        ("Mme Martin", ""),
        ("M Dupont", ""),
        ("Mr Durand", ""),
        ("Mlle Dupont", ""),
        ("Monsieur Gérard", ""),
        ("Dr Bernard", ""),
        ("M. et Mme Martin", ""),
        ("Jeanne et Paul Martin", "Jeanne"),
        # A lone word in capitals is a surname; an initial is no name.
        ("DUPONT", ""),
        ("MARTIN J.", ""),
        # Nothing tells: no name rather than perhaps the surname.
        ("Michel Bernard", ""),
        ("Kenza Benali", ""),
        # Whole names kept, within what the SMS leaves room for.
        ("Marie-Bernadette-Géraldine Dupont", "Marie-Bernadette"),
    ],
)
def test_only_the_first_name_is_taken_from_a_name_typed_freely(name, first):
    assert first_name(name) == first


# --- A volunteer's OUI ------------------------------------------------------------------------------------------


def test_a_volunteer_accepts_by_sms_and_gets_the_first_name_commune_and_phone_once_it_is_hers(volunteer):
    proposal = proposed(volunteer)
    code = proposal.help_request.reply_code
    [offer] = rows(Event.PROPOSAL_MADE, channel=Channel.SMS)
    assert f"Répondez OUI {code} ou NON {code} avant le " in offer.body

    inbound = sms(VOLUNTEER, f"Oui {code.lower()}")

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    assert proposal.help_request.status == Status.ASSIGNED
    assert (inbound.kind, inbound.code, inbound.outcome) == (InboundKind.ACCEPT, code, "Proposition acceptée")
    assert (inbound.help_request, inbound.proposal, inbound.needs_staff) == (proposal.help_request, proposal, False)
    [confirmation] = rows(Event.PROPOSAL_CONFIRMED)
    assert (confirmation.recipient, confirmation.in_reply_to) == (VOLUNTEER, inbound)
    assert confirmation.body == (
        f"Entraide 54 : la demande {code} vous est confiée. Appelez Jeanne au 06 12 34 56 78 (Nancy). Merci !"
    )
    assert "Martin" not in confirmation.body
    [log] = AccessLog.objects.all()
    assert (log.user, log.help_request, log.reason, log.path) == (
        volunteer.user, proposal.help_request, AccessReason.VOLUNTEER_ASSIGNED, CONFIRMATION_SMS_PATH
    )  # fmt: skip
    # The requester hears that a volunteer took it, as when she accepts on her page.
    assert len(rows(Event.REQUEST_TAKEN, channel=Channel.SMS)) == 1


def test_the_confirmation_gives_the_beneficiary_s_phone_when_there_is_one(volunteer):
    proposal = proposed(volunteer, beneficiary_name="DUPONT Raymonde", beneficiary_phone="+33387000000")
    sms(VOLUNTEER, "OK")

    [confirmation] = rows(Event.PROPOSAL_CONFIRMED)
    assert "Appelez Raymonde au 03 87 00 00 00 (Nancy)" in confirmation.body
    assert "DUPONT" not in confirmation.body and "Jeanne" not in confirmation.body
    assert proposal.help_request.reply_code in confirmation.body


def test_the_requester_s_number_names_the_requester_and_whom_she_asks_for(volunteer):
    proposal = proposed(volunteer, requester_relation="relative", beneficiary_name="DUPONT Raymonde")
    sms(VOLUNTEER, "OUI")

    [confirmation] = rows(Event.PROPOSAL_CONFIRMED)
    assert confirmation.body == (
        f"Entraide 54 : la demande {proposal.help_request.reply_code} vous est confiée. "
        "Appelez Jeanne (pour Raymonde) au 06 12 34 56 78 (Nancy). Merci !"
    )


def test_whom_the_requester_asks_for_is_left_out_when_it_would_not_fit(volunteer, settings):
    settings.PORTAL_NAME = "Entraide Meurthe-et-Moselle"
    commune = Commune.objects.order_by(Length("name").desc()).first()
    proposal = proposed(
        volunteer,
        commune=commune,
        requester_name="Marie-Bernadette Lucienne DUPONT",
        requester_relation="neighbour",
        beneficiary_name="MARTIN Anne-Charlotte Suzanne",
    )
    sms(VOLUNTEER, "OUI")

    [confirmation] = rows(Event.PROPOSAL_CONFIRMED)
    assert confirmation.body == (
        f"Entraide Meurthe-et-Moselle : la demande {proposal.help_request.reply_code} vous est confiée. "
        f"Appelez Marie-Bernadette au 06 12 34 56 78 ({commune.name}). Merci !"
    )
    assert_one_gsm_sms(confirmation.body)


def test_without_any_number_the_confirmation_sends_her_to_her_volunteer_space(volunteer):
    proposal = proposed(volunteer, requester_phone="", preferred_channel="email")
    sms(VOLUNTEER, "OUI")

    [confirmation] = rows(Event.PROPOSAL_CONFIRMED)
    assert confirmation.body == (
        f"Entraide 54 : la demande {proposal.help_request.reply_code} vous est confiée. "
        "Contactez Jeanne (Nancy) : ses coordonnées sont dans votre espace bénévole. Merci !"
    )


def test_a_name_that_does_not_tell_the_first_name_gives_none(volunteer):
    proposed(volunteer, beneficiary_name="Michel Bernard", beneficiary_phone="+33387000000")
    sms(VOLUNTEER, "OUI")

    [confirmation] = rows(Event.PROPOSAL_CONFIRMED)
    assert "Appelez la personne au 03 87 00 00 00 (Nancy). Merci !" in confirmation.body
    assert "Michel" not in confirmation.body and "Bernard" not in confirmation.body


def test_without_a_code_the_only_proposal_waiting_is_the_one_answered(volunteer):
    proposal = proposed(volunteer)
    sms(VOLUNTEER, "d'accord")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED


def test_a_whole_reference_chooses_the_proposal_as_its_code_does(volunteer):
    proposal = proposed(volunteer)
    other = proposed(volunteer)
    sms(VOLUNTEER, f"oui {proposal.help_request.reference.lower()}")
    proposal.refresh_from_db(), other.refresh_from_db()
    assert (proposal.status, other.status) == (ProposalStatus.ACCEPTED, ProposalStatus.PROPOSED)


def test_several_proposals_and_no_code_ask_which_and_change_nothing(volunteer):
    first, second = proposed(volunteer), proposed(volunteer)
    codes = [first.help_request.reply_code, second.help_request.reply_code]

    inbound = sms(VOLUNTEER, "OUI")

    assert set(statuses(first, second)) == {ProposalStatus.PROPOSED}
    assert (inbound.outcome, inbound.needs_staff) == ("Ambigu : 2 propositions en cours, réponse demandée", False)
    assert answers(inbound) == [
        "Entraide 54 : plusieurs demandes attendent votre réponse. "
        f"Codes : {codes[0]}, {codes[1]}. Répondez avec le code, par exemple : OUI {codes[0]}."
    ]
    assert rows(Event.PROPOSAL_CONFIRMED) == []

    sms(VOLUNTEER, f"NON {codes[1]}")
    assert statuses(first, second) == [ProposalStatus.PROPOSED, ProposalStatus.DECLINED]


def test_a_code_no_proposal_waiting_has_recalls_the_codes_that_do(volunteer):
    proposal = proposed(volunteer)
    inbound = sms(VOLUNTEER, "OUI 7777")
    code = proposal.help_request.reply_code
    assert statuses(proposal) == [ProposalStatus.PROPOSED]
    assert answers(inbound) == [
        f"Entraide 54 : aucune demande en attente n'a le code 7777. Codes : {code}. "
        f"Répondez avec le code, par exemple : OUI {code}."
    ]
    assert inbound.outcome == f"Code 7777 inconnu : les codes en cours ({code}) ont été rappelés"


def test_a_volunteer_with_no_proposal_waiting_is_told_so_politely(volunteer):
    inbound = sms(VOLUNTEER, "oui")
    assert answers(inbound) == [
        "Entraide 54 : aucune proposition n'attend votre réponse. Pour toute question : 03 83 94 54 54."
    ]
    assert (inbound.kind, inbound.needs_staff) == (InboundKind.ACCEPT, False)


def test_accepting_after_the_deadline_changes_nothing_and_says_why(volunteer):
    proposal = proposed(volunteer)
    proposal.respond_by = timezone.now() - timedelta(minutes=1)
    proposal.save(update_fields=["respond_by"])

    inbound = sms(VOLUNTEER, f"OUI {proposal.help_request.reply_code}")

    assert statuses(proposal) == [ProposalStatus.PROPOSED]  # the beat task expires it
    code = proposal.help_request.reply_code
    assert answers(inbound) == [
        f"Entraide 54, demande {code} : Le délai de réponse est passé : la demande a été proposée à quelqu'un d'autre."
    ]
    assert inbound.outcome.startswith("Réponse sans effet : Le délai de réponse est passé")
    assert rows(Event.PROPOSAL_CONFIRMED) == [] and not AccessLog.objects.exists()


def test_a_proposal_already_answered_is_not_answered_twice(volunteer):
    proposal = proposed(volunteer)
    code = proposal.help_request.reply_code
    sms(VOLUNTEER, f"NON {code}")

    inbound = sms(VOLUNTEER, f"OUI {code}")

    assert statuses(proposal) == [ProposalStatus.DECLINED]
    assert answers(inbound) == [f"Entraide 54, demande {code} : Cette proposition n'attend plus de réponse."]
    assert (inbound.proposal, inbound.needs_staff) == (proposal, False)
    assert rows(Event.PROPOSAL_CONFIRMED) == []


def test_the_capacity_a_proposal_took_is_hers_to_accept_and_no_second_proposal_is_made_beyond_it():
    """Capacity is counted when proposing (a proposal waiting for her answer already holds a place): the matching
    proposes nothing beyond it, and her OUI takes the place the proposal holds."""
    volunteer = VolunteerProfileFactory(phone=VOLUNTEER, capacity=1)
    proposal = proposed(volunteer)
    from matching.models import ProposalError

    with pytest.raises(ProposalError):
        proposed(volunteer)
    sms(VOLUNTEER, "oui")
    assert statuses(proposal) == [ProposalStatus.ACCEPTED]


def test_a_volunteer_declines_by_sms_and_the_request_goes_to_the_next_candidate(volunteer):
    proposal = proposed(volunteer)
    other = VolunteerProfileFactory(phone="+33611111111")

    inbound = sms(VOLUNTEER, "Non merci")

    proposal.refresh_from_db()
    assert (proposal.status, proposal.decline_reason) == (ProposalStatus.DECLINED, "Refusée par SMS")
    assert proposal.help_request.proposals.get(status=ProposalStatus.PROPOSED).volunteer == other
    assert (inbound.kind, inbound.outcome) == (InboundKind.DECLINE, "Proposition déclinée")
    assert answers(inbound) == [
        f"Entraide 54 : c'est noté, vous déclinez la demande {proposal.help_request.reply_code}. "
        "Merci d'avoir répondu."
    ]


def test_a_yes_without_a_code_after_a_confirmation_accepts_no_other_proposal(volunteer):
    """She accepts one of two proposals by its code, is sent the person's details, and answers "Ok merci": a thank-you,
    not a yes to the second proposal, whose person she must not be given."""
    first, second = proposed(volunteer), proposed(volunteer)
    sms(VOLUNTEER, f"OUI {first.help_request.reply_code}")

    thanks = sms(VOLUNTEER, "Ok merci")

    assert statuses(first, second) == [ProposalStatus.ACCEPTED, ProposalStatus.PROPOSED]
    assert len(rows(Event.PROPOSAL_CONFIRMED)) == 1
    assert thanks.needs_staff and thanks.kind == InboundKind.ACCEPT


def test_a_yes_to_an_agent_s_question_is_not_taken_for_help_arrived(volunteer, client, staff_member):
    """Jeanne was asked whether help arrived; an agent then asks her by SMS whether she is home tomorrow. Her "Oui"
    answers the agent: it goes to the inbox, and help is not counted as arrived."""
    help_request = jeanne_s_request()
    help_request.arrival_asked_at = timezone.now()
    help_request.save()
    for event, body in [
        (Event.HELP_ARRIVED_ASKED, "L'aide est-elle bien arrivée ?"),
        (Event.STAFF_SMS, "Serez-vous chez vous demain ? Répondez oui ou non"),
    ]:
        Notification.objects.create(
            event=event, channel=Channel.SMS, recipient=JEANNE, body=body, help_request=help_request
        )

    inbound = sms(JEANNE, "Oui")

    help_request.refresh_from_db()
    assert help_request.help_arrived is None
    assert inbound.needs_staff and inbound.help_request == help_request


def test_a_code_made_of_letters_that_names_nothing_is_a_word_for_staff_to_read(volunteer):
    proposal = proposed(volunteer)
    inbound = sms(VOLUNTEER, "Oui mais")  # MAIS, read 'MA1S', is no code of hers
    assert statuses(proposal) == [ProposalStatus.PROPOSED]
    assert inbound.needs_staff
    assert not any("codes en cours" in body for body in answers(inbound))


def test_a_reply_whose_handling_fails_goes_to_staff_acknowledged_with_nothing_half_done(volunteer, monkeypatch):
    from requests_app import sms_replies

    proposal = proposed(volunteer)

    def broken(*args, **kwargs):
        raise RuntimeError("lock timeout")

    monkeypatch.setattr(sms_replies, "_confirm", broken)  # after the proposal was accepted, inside the same work

    inbound = sms(VOLUNTEER, "OUI")

    assert statuses(proposal) == [ProposalStatus.PROPOSED]  # the acceptance was rolled back with the rest
    assert (inbound.kind, inbound.needs_staff) == (InboundKind.OTHER, True)
    assert inbound.help_request == proposal.help_request
    assert answers(inbound) and "un agent vous répondra" in answers(inbound)[0]


def test_a_message_is_stored_waiting_for_staff_until_it_has_been_acted_on(monkeypatch):
    """A worker killed while acting (a time limit, a lock that never came) must leave the message in the inbox, not
    looking dealt with: it is stored so, and only acting on it to the end says otherwise."""
    from notifications import inbound as inbound_module

    monkeypatch.setattr(inbound_module.sms_received, "send", lambda **kwargs: None)  # the worker died right there
    inbound = sms("+33611111111", "STOP")
    inbound.refresh_from_db()
    assert inbound.needs_staff and inbound.outcome == "En cours de traitement par le portail"


def test_a_provider_giving_the_same_message_twice_acts_once(volunteer):
    proposal = proposed(volunteer)
    first = sms(VOLUNTEER, "OUI", message_id="ovh-42")
    again = sms(VOLUNTEER, "OUI", message_id="ovh-42")

    assert first is not None and again is None
    assert InboundSms.objects.count() == 1
    assert statuses(proposal) == [ProposalStatus.ACCEPTED]
    assert len(rows(Event.PROPOSAL_CONFIRMED)) == 1


# --- STOP, START, AIDE --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["STOP", "Stop.", "ARRET", "ARRÊT", "stop sms"])
def test_stop_records_the_number_once_and_answers_how_to_undo_it(body):
    first, second = sms("+33612345678", body), sms("+33612345678", body)

    [optout] = SmsOptOut.objects.all()
    assert (optout.number, optout.inbound) == ("+33612345678", first)
    text = (
        "Vous ne recevrez plus de SMS du portail Entraide 54. Pour les recevoir à nouveau, répondez START. "
        "Besoin d'aide : 03 83 94 54 54."
    )
    assert answers(first) == answers(second) == [text]
    assert Notification.objects.get(in_reply_to=first).event == Event.SMS_ANSWER
    assert (first.kind, first.needs_staff) == (InboundKind.STOP, False)
    assert second.outcome == "STOP : ce numéro ne recevait déjà plus de SMS ; réponse renvoyée"


def test_start_lifts_stop_and_confirms():
    sms("+33612345678", "STOP")
    inbound = sms("+33612345678", "start")
    assert not SmsOptOut.objects.exists()
    assert answers(inbound) == [
        "Vous recevrez de nouveau les SMS du portail Entraide 54. Pour ne plus les recevoir, répondez STOP."
    ]
    assert inbound.outcome == "START : ce numéro reçoit de nouveau les SMS du portail"


@pytest.mark.parametrize("body", ["AIDE", "aide ?", "HELP", "INFO"])
def test_aide_answers_with_the_hotline_number_and_hours(body):
    inbound = sms("+33612345678", body)
    assert answers(inbound) == [
        "Entraide 54 : pour toute aide, appelez le 03 83 94 54 54, 7 jours sur 7 de 9 h à 18 h. "
        "En cas d'urgence, appelez le 112."
    ]
    assert (inbound.kind, inbound.needs_staff) == (InboundKind.HELP, False)


def test_the_answers_reach_a_number_that_answered_stop():
    """They are written as answers (in_reply_to): the outbox holds back all but those for a number that said STOP."""
    sms("+33612345678", "STOP")
    inbound = sms("+33612345678", "AIDE")
    assert Notification.objects.get(in_reply_to=inbound).in_reply_to == inbound


# --- For an agent -------------------------------------------------------------------------------------------------


def test_free_text_goes_to_staff_with_the_request_acknowledged_once_a_day_staff_alerted_without_the_text(
    staff_member, settings
):
    help_request = jeanne_s_request()
    inbound = sms("+33612345678", "Bonjour, la clé sous le paillasson, c'est Jeanne Martin")

    assert (inbound.kind, inbound.needs_staff, inbound.help_request) == (InboundKind.OTHER, True, help_request)
    assert inbound.outcome == "Message à lire par un agent"
    assert answers(inbound) == [RECEIVED]
    [alert] = rows(Event.SMS_RECEIVED)
    assert (alert.channel, alert.recipient) == (Channel.EMAIL, "agent@cd54.fr")
    assert alert.subject == "[Entraide 54] Un SMS reçu à lire"
    assert f"À lire : {settings.SITE_URL}/admin/notifications/inboundsms/" in alert.body
    assert_no_personal_data(alert)
    assert "+33612345678" not in alert.body

    later = sms("+33612345678", "Vous m'entendez ?")
    assert later.needs_staff and answers(later) == []  # acknowledged already today
    assert len(rows(Event.SMS_RECEIVED)) == 1  # staff were alerted less than 15 minutes ago


def test_the_acknowledgement_and_the_alert_come_again_after_their_quiet_time(staff_member):
    first = sms("+33612345678", "Allô ?")
    Notification.objects.filter(in_reply_to=first).update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    Notification.objects.filter(event=Event.SMS_RECEIVED).update(created_at=timezone.now() - timedelta(minutes=16))

    second = sms("+33612345678", "Allô ?")

    assert len(answers(second)) == 1
    assert len(rows(Event.SMS_RECEIVED)) == 2
    assert (
        "2 SMS envoyés au portail attendent un agent"
        in rows(Event.SMS_RECEIVED)[0].body + rows(Event.SMS_RECEIVED)[1].body
    )


def test_the_acknowledgement_leaves_out_the_hotline_s_hours_when_they_would_not_fit(settings):
    settings.HOTLINE_HOURS = (
        "du lundi au vendredi de 8 h 30 à 19 h 30, le samedi de 9 h à 17 h, le dimanche de 9 h à 12 h"
    )
    inbound = sms("+33612345678", "Allô ?")
    assert answers(inbound) == ["Entraide 54 : message bien arrivé, un agent vous répondra. Urgence : 112."]


def test_an_unknown_number_s_oui_goes_to_staff():
    inbound = sms("+33600000000", "OUI")
    assert (inbound.kind, inbound.needs_staff, inbound.help_request) == (InboundKind.ACCEPT, True, None)
    assert answers(inbound) == [RECEIVED]


def test_a_text_is_tied_to_the_number_s_open_request_else_its_latest():
    old = HelpRequestFactory(requester_phone="+33612345678", done=True)
    latest_closed = HelpRequestFactory(requester_phone="+33612345678", cancelled=True)
    assert sms("+33612345678", "Merci pour tout").help_request == latest_closed
    still_open = HelpRequestFactory(requester_phone="+33612345678")
    HelpRequestFactory.create(requester_phone="+33612345678", cancelled=True)
    assert sms("+33612345678", "Merci pour tout").help_request == still_open
    assert old.pk != still_open.pk


def test_a_volunteer_s_free_text_is_tied_to_her_proposal(volunteer):
    proposal = proposed(volunteer)
    inbound = sms(VOLUNTEER, "Je serai là vers 15 h")
    assert (inbound.help_request, inbound.proposal, inbound.needs_staff) == (proposal.help_request, proposal, True)


# --- Every answer in one SMS ----------------------------------------------------------------------------------


@pytest.mark.parametrize("portal_name", ["Entraide 54", "Entraide Meurthe-et-Moselle"])
def test_every_answer_fits_in_one_gsm_sms_with_the_longest_names(volunteer, settings, portal_name):
    settings.PORTAL_NAME = portal_name
    settings.HOTLINE_HOURS = "du lundi au samedi de 8 h 30 à 19 h 30, le dimanche de 9 h à 12 h"
    commune = Commune.objects.order_by(Length("name").desc()).first()
    proposal = proposed(
        volunteer, commune=commune, beneficiary_name="Marie-Bernadette-Géraldine Dupont", beneficiary_phone=""
    )
    volunteer.capacity = 4
    volunteer.save()
    for _more in range(3):  # the most codes an answer lists
        proposed(volunteer, commune=commune)
    sms(VOLUNTEER, "OUI")  # which?
    sms(VOLUNTEER, "OUI 7777")  # unknown code
    sms(VOLUNTEER, f"OUI {proposal.help_request.reply_code}")  # confirmed
    sms(VOLUNTEER, f"OUI {proposal.help_request.reply_code}")  # refused: answered already
    for body in ("NON", "STOP", "START", "AIDE", "Bonjour"):
        sms(VOLUNTEER, body)
    sms(VOLUNTEER, "OUI")  # nothing waits any more
    bodies = list(Notification.objects.filter(channel=Channel.SMS).values_list("event", "body"))
    assert {event for event, _body in bodies} >= {Event.PROPOSAL_MADE, Event.PROPOSAL_CONFIRMED, Event.SMS_ANSWER}
    assert len({body for event, body in bodies if event == Event.SMS_ANSWER}) >= 8
    for event, body in bodies:
        assert_one_gsm_sms(body)
        if event == Event.SMS_ANSWER:  # sentences, each ended, the portal's name never after an unelided "de"
            assert body.endswith("."), body
            assert f" de {portal_name}" not in body, body
