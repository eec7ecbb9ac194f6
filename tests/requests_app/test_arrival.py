"""Did help arrive? The question once a request is done, its answers by SMS, the reopening when help did not
arrive or nobody answers, and the staff alert (requests_app/arrival.py)."""

from datetime import datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models.functions import Length
from django.utils import timezone

from core.models import Commune
from core.sms import LocmemBackend, ReceivedSms, SmsLength, sms_length
from matching.services import proposal_accept, proposal_complete, proposal_create
from notifications.enums import Channel, DeliveryStatus, Event, InboundKind
from notifications.inbound import receive
from notifications.models import InboundSms, Notification
from notifications.tasks import sweep_outbox
from requests_app import arrival
from requests_app.enums import Status
from requests_app.models import HelpRequest
from requests_app.routing import routed_request_complete
from requests_app.services import help_request_create
from requests_app.tasks import reopen_unanswered_arrivals
from tests.accounts.factories import AgentFactory
from tests.associations.factories import AssociationFactory
from tests.notifications.messages import assert_no_personal_data, jeanne_s_request, rows
from tests.requests_app.factories import HelpRequestFactory
from tests.volunteers.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db

JEANNE = "+33612345678"  # jeanne_s_request()'s number; she chose SMS
message_ids = count(1)


def sms(sender: str, body: str) -> InboundSms:
    return receive(
        ReceivedSms(
            provider="twilio", message_id=f"SM{next(message_ids)}", sender=sender, body=body,
            received_at=timezone.now(),
        )
    )  # fmt: skip


def answers(inbound: InboundSms) -> list[str]:
    return list(Notification.objects.filter(in_reply_to=inbound).order_by("pk").values_list("body", flat=True))


@pytest.fixture
def staff_member():
    return AgentFactory(email="agent@cd54.fr")


def completed(help_request: HelpRequest, *, concern: bool = False) -> HelpRequest:
    help_request.triage()
    proposal = proposal_create(help_request=help_request, volunteer=VolunteerProfileFactory())
    proposal_complete(proposal=proposal_accept(proposal=proposal), report="Courses livrées.", concern=concern)
    help_request.refresh_from_db()
    return help_request


@pytest.fixture
def done():
    return completed(jeanne_s_request())


# --- The question -------------------------------------------------------------------------------------------------


def test_a_done_request_asks_whoever_chose_sms_whether_help_arrived(done):
    [question] = rows(Event.HELP_ARRIVED_ASKED)
    assert (question.channel, question.recipient, question.help_request) == (Channel.SMS, JEANNE, done)
    assert question.body == (
        f"Entraide 54 : votre demande {done.reference} est terminée. L'aide est-elle bien arrivée ? "
        "Répondez 1 pour oui, 2 pour non. Besoin d'aide : 03 83 94 54 54."
    )
    assert done.arrival_asked_at is not None and done.help_arrived is None
    assert rows(Event.REQUEST_DONE, channel=Channel.SMS) == []  # one text, not two at once
    assert len(rows(Event.REQUEST_DONE, channel=Channel.EMAIL)) == 1


@pytest.mark.parametrize("channel", ["email", "phone"])
def test_someone_who_did_not_choose_sms_is_not_asked(channel):
    help_request = completed(
        help_request_create(
            help_request=HelpRequestFactory.build(
                requester_phone=JEANNE, requester_email="a@exemple.fr", preferred_channel=channel
            )
        )
    )
    assert rows(Event.HELP_ARRIVED_ASKED) == [] and help_request.arrival_asked_at is None


def test_a_concern_asks_nothing():
    help_request = completed(jeanne_s_request(), concern=True)
    assert help_request.status == Status.NEEDS_STAFF
    assert rows(Event.HELP_ARRIVED_ASKED) == []


def test_a_request_an_organisation_completes_is_asked_too():
    help_request = jeanne_s_request()
    help_request.route_to(AssociationFactory())
    routed_request_complete(help_request=help_request, by=None)
    assert [n.recipient for n in rows(Event.HELP_ARRIVED_ASKED)] == [JEANNE]


def test_a_request_is_asked_once_even_when_done_again(done):
    arrival.ask(done)
    assert len(rows(Event.HELP_ARRIVED_ASKED)) == 1


def test_the_question_fits_in_one_gsm_sms_with_the_longest_commune():
    commune = Commune.objects.order_by(Length("name").desc()).first()
    completed(help_request_create(help_request=HelpRequestFactory.build(
        commune=commune, requester_phone=JEANNE, preferred_channel="sms")))  # fmt: skip
    [question] = rows(Event.HELP_ARRIVED_ASKED)
    assert sms_length(question.body) == SmsLength(encoding="GSM-7", units=len(question.body), parts=1)


def test_with_a_long_portal_name_the_question_stays_whole_and_leaves_out_the_hotline(settings):
    settings.PORTAL_NAME = "Entraide Meurthe-et-Moselle"
    help_request = completed(jeanne_s_request())
    [question] = rows(Event.HELP_ARRIVED_ASKED)
    assert question.body == (
        f"Entraide Meurthe-et-Moselle : votre demande {help_request.reference} est terminée. "
        "L'aide est-elle bien arrivée ? Répondez 1 pour oui, 2 pour non."
    )
    assert sms_length(question.body) == SmsLength(encoding="GSM-7", units=len(question.body), parts=1)


EVENING = datetime(2026, 12, 8, 21, 30, tzinfo=ZoneInfo("Europe/Paris"))
NEXT_MORNING = datetime(2026, 12, 9, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.mark.parametrize(
    "done_at, asked_at",
    [
        (EVENING, NEXT_MORNING),
        (datetime(2026, 12, 9, 6, 45, tzinfo=ZoneInfo("Europe/Paris")), NEXT_MORNING),  # before 9 the same day
        (datetime(2026, 12, 8, 20, 0, tzinfo=ZoneInfo("Europe/Paris")), NEXT_MORNING),
        (datetime(2026, 12, 8, 19, 59, tzinfo=ZoneInfo("Europe/Paris")), None),  # at once
        (datetime(2026, 12, 9, 9, 0, tzinfo=ZoneInfo("Europe/Paris")), None),
    ],
)
def test_the_question_is_asked_between_9_and_20_and_waits_for_the_morning_otherwise(
    done_at, asked_at, django_capture_on_commit_callbacks
):
    with time_machine.travel(done_at, tick=False), django_capture_on_commit_callbacks(execute=True):
        help_request = completed(jeanne_s_request())
    [question] = rows(Event.HELP_ARRIVED_ASKED)
    assert help_request.arrival_asked_at == (asked_at or done_at)
    assert question.next_attempt_at == (asked_at or done_at)
    assert question.status == (DeliveryStatus.PENDING if asked_at else DeliveryStatus.SENT)


def test_a_question_held_for_the_night_leaves_in_the_morning_and_its_timer_runs_from_then(
    settings, django_capture_on_commit_callbacks
):
    LocmemBackend.outbox.clear()

    def questions_sent():
        return [sent.to for sent in LocmemBackend.outbox if "L'aide est-elle bien arrivée ?" in sent.body]

    with time_machine.travel(EVENING, tick=False), django_capture_on_commit_callbacks(execute=True):
        help_request = completed(jeanne_s_request())
    assert questions_sent() == []  # its delivery task ran, and found it not due
    with time_machine.travel(NEXT_MORNING - timedelta(minutes=1), tick=False):
        assert sweep_outbox() == 0
    with (
        time_machine.travel(NEXT_MORNING + timedelta(minutes=settings.NOTIFICATION_SWEEP_MINUTES), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert sweep_outbox() == 1
    [question] = rows(Event.HELP_ARRIVED_ASKED)
    assert question.status == DeliveryStatus.SENT and question.sent_at >= NEXT_MORNING
    assert questions_sent() == [JEANNE]

    hours = timedelta(hours=settings.ARRIVAL_ANSWER_HOURS)
    with time_machine.travel(EVENING + hours + timedelta(minutes=1), tick=False):
        assert arrival.unanswered_reopen() == 0  # counted from the evening, it would be late already
    with time_machine.travel(NEXT_MORNING + hours + timedelta(minutes=1), tick=False):
        assert arrival.unanswered_reopen() == 1
    help_request.refresh_from_db()
    assert help_request.status == Status.NEEDS_STAFF


# --- The answers --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["1", "1 {code}", "1 {reference}", "1 {spaced}", "oui", "Ok merci"])
def test_1_closes_the_loop_with_thanks(done, body, staff_member):
    spaced = done.reference.replace("-", " ").lower()  # the whole reference, as the question gives it
    inbound = sms(JEANNE, body.format(code=done.reply_code, reference=done.reference, spaced=spaced))

    done.refresh_from_db()
    assert (done.help_arrived, done.status) == (True, Status.DONE)
    assert done.arrival_answered_at is not None
    assert (inbound.kind, inbound.help_request, inbound.needs_staff) == (InboundKind.ARRIVED, done, False)
    assert inbound.outcome == "Aide arrivée, selon la personne"
    assert answers(inbound) == [
        "Entraide 54 : merci de votre réponse, nous sommes heureux que l'aide soit arrivée. "
        "Besoin d'aide : 03 83 94 54 54."
    ]
    assert rows(Event.HELP_NOT_ARRIVED) == [] and rows(Event.SMS_RECEIVED) == []


@pytest.mark.parametrize("body", ["2", "2 {code}", "non"])
def test_2_reopens_the_request_alerts_staff_and_tells_the_person_an_agent_will_call(done, body, staff_member):
    inbound = sms(JEANNE, body.format(code=done.reply_code))

    done.refresh_from_db()
    assert (done.help_arrived, done.status) == (False, Status.NEEDS_STAFF)
    change = done.status_changes.last()
    assert (change.from_status, change.to_status) == (Status.DONE, Status.NEEDS_STAFF)
    assert change.note == "L'aide n'est pas arrivée, selon la réponse de la personne par SMS."
    assert (inbound.kind, inbound.outcome) == (
        InboundKind.NOT_ARRIVED,
        "Aide non arrivée : demande rouverte, agents alertés",
    )
    assert answers(inbound) == [
        f"Entraide 54 : merci de votre réponse. Un agent va vous rappeler au sujet de la demande {done.reply_code}. "
        "Urgence : 112."
    ]
    [alert] = rows(Event.HELP_NOT_ARRIVED)
    assert (alert.channel, alert.recipient, alert.help_request) == (Channel.EMAIL, "agent@cd54.fr", done)
    assert alert.subject == f"[Entraide 54] Aide non arrivée : demande {done.reference} rouverte"
    assert "a répondu par SMS que l'aide n'est pas arrivée" in alert.body
    assert f"/admin/requests_app/helprequest/{done.pk}/change/" in alert.body
    assert_no_personal_data(alert)


def test_an_answer_already_given_is_not_taken_again(done, staff_member):
    sms(JEANNE, "1")
    second = sms(JEANNE, "2")
    done.refresh_from_db()
    assert (done.help_arrived, done.status) == (True, Status.DONE)
    assert second.needs_staff  # nothing asked any more: a person reads it
    assert rows(Event.HELP_NOT_ARRIVED) == []


def test_oui_goes_to_a_volunteer_s_proposal_before_the_arrival_question_and_1_the_other_way(done):
    volunteer = VolunteerProfileFactory(phone=JEANNE)  # Jeanne volunteers too
    other = jeanne_s_request()
    other.triage()
    proposal = proposal_create(help_request=other, volunteer=volunteer)

    sms(JEANNE, "1")
    done.refresh_from_db(), proposal.refresh_from_db()
    assert (done.help_arrived, proposal.status) == (True, "proposed")
    sms(JEANNE, "OUI")
    proposal.refresh_from_db()
    assert proposal.status == "accepted"


def test_several_requests_asked_and_no_code_ask_which(staff_member):
    first, second = completed(jeanne_s_request()), completed(jeanne_s_request())
    inbound = sms(JEANNE, "1")
    first.refresh_from_db(), second.refresh_from_db()
    assert first.help_arrived is None and second.help_arrived is None
    codes = f"{first.reply_code}, {second.reply_code}"
    assert answers(inbound) == [
        f"Entraide 54 : plusieurs demandes attendent votre réponse. Codes : {codes}. "
        f"Répondez avec le code, par exemple : 1 {first.reply_code}."
    ]
    assert inbound.outcome == f"Ambigu : 2 questions en cours ({codes}), réponse demandée"
    sms(JEANNE, f"2 {second.reply_code}")
    second.refresh_from_db()
    assert (second.help_arrived, second.status) == (False, Status.NEEDS_STAFF)


# --- No answer ----------------------------------------------------------------------------------------------------


def test_no_answer_in_time_reopens_the_request_and_alerts_staff_once(done, staff_member, settings):
    settings.ARRIVAL_ANSWER_HOURS = 48
    asked = done.arrival_asked_at
    with time_machine.travel(asked + timedelta(hours=47), tick=False):
        assert reopen_unanswered_arrivals() == 0
    with time_machine.travel(asked + timedelta(hours=48, minutes=1), tick=False):
        assert reopen_unanswered_arrivals() == 1
        assert reopen_unanswered_arrivals() == 0

    done.refresh_from_db()
    assert (done.status, done.help_arrived) == (Status.NEEDS_STAFF, None)
    assert "Pas de réponse par SMS 48 h après" in done.status_changes.last().note
    [alert] = rows(Event.HELP_NOT_ARRIVED)
    assert alert.subject == f"[Entraide 54] Sans réponse sur l'arrivée de l'aide : demande {done.reference} rouverte"
    assert "n'a pas répondu, 48 heures après" in alert.body
    assert_no_personal_data(alert)

    # Staff deal with it and close it again: it is neither asked nor reopened again.
    done.triage()
    done.route_to(AssociationFactory())
    routed_request_complete(help_request=done, by=None)
    with time_machine.travel(asked + timedelta(days=10), tick=False):
        assert reopen_unanswered_arrivals() == 0
    assert len(rows(Event.HELP_ARRIVED_ASKED)) == 1


def test_a_late_1_after_the_reopening_is_recorded_and_shown_to_staff(done, staff_member):
    with time_machine.travel(done.arrival_asked_at + timedelta(hours=49), tick=False):
        reopen_unanswered_arrivals()

    inbound = sms(JEANNE, "1")

    done.refresh_from_db()
    assert (done.help_arrived, done.status) == (True, Status.NEEDS_STAFF)
    assert (inbound.needs_staff, inbound.help_request) == (True, done)
    assert inbound.outcome == "Réponse tardive (l'aide est arrivée) : la demande était déjà rouverte, à vérifier"
    assert done.notes.get().text == "Réponse par SMS reçue après la réouverture de la demande : l'aide est arrivée."
    assert inbound in InboundSms.objects.for_staff()
    assert len(rows(Event.SMS_RECEIVED)) == 1
    assert len(answers(inbound)) == 1  # the thanks, and no "un agent vous répondra" on top


def test_an_answered_request_is_not_reopened_by_the_task(done):
    sms(JEANNE, "1")
    with time_machine.travel(done.arrival_asked_at + timedelta(days=3), tick=False):
        assert reopen_unanswered_arrivals() == 0


def test_of_two_answers_crossing_the_first_counts_and_the_other_is_left_to_staff(done, staff_member):
    """Both texts found the question open; the second finds it answered once it holds the row."""
    arrival.answer(done, arrived=True)
    answered = arrival.answer(done, arrived=False)
    done.refresh_from_db()
    assert (done.help_arrived, done.status) == (True, Status.DONE)
    assert answered.needs_staff and rows(Event.HELP_NOT_ARRIVED) == []
