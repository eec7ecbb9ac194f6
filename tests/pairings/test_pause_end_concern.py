"""Either side pauses or ends a pairing, and the person helped is told by the channel she chose; a concern alerts staff
at once, without her personal data."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from matching.enums import ProposalStatus
from notifications.enums import Channel, Event
from pairings.enums import PairingStatus, Side, VisitOutcome
from pairings.models import PairingError
from pairings.services import pairing_end, pairing_pause, visits_generate, visits_sweep
from requests_app.enums import Source, Status
from requests_app.models import RequestNote
from tests.accounts.factories import AgentFactory
from tests.notifications.messages import assert_no_personal_data, rows
from tests.pairings.factories import pairing_with
from tests.volunteers.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
MONDAY = datetime(2027, 3, 1, 10, tzinfo=PARIS)
JEANNE = {
    "requester_name": "Jeanne Martin", "requester_phone": "+33612345678", "address": "12 rue des Lilas",
    "description": "Un appel par semaine, clé sous le paillasson.",
}  # fmt: skip


@pytest.fixture
def monday(time_machine):
    time_machine.move_to(MONDAY, tick=False)
    return time_machine


@pytest.fixture
def agent():
    return AgentFactory(email="agent@cd54.fr")


def test_the_volunteer_pauses_no_visit_is_due_meanwhile_and_the_pairing_resumes_by_itself(monday, client):
    volunteer = VolunteerProfileFactory()
    pairing = pairing_with(volunteer, **JEANNE, no_internet=True)
    client.force_login(volunteer.user)

    response = client.post(f"/benevoles/accompagnements/{pairing.pk}/pause/", {"paused_until": "2027-03-14"})

    assert response.status_code == 302
    pairing.refresh_from_db()
    assert (pairing.status, pairing.paused_until, pairing.changed_for) == (
        PairingStatus.PAUSED, date(2027, 3, 14), Side.VOLUNTEER
    )  # fmt: skip
    assert sorted(pairing.visits.values_list("date", flat=True)) == [date(2027, 3, 16), date(2027, 3, 23)]
    # Jeanne chose SMS and has no internet: an SMS without a link; the volunteer, who asked, is not told again.
    [sms] = rows(Event.PAIRING_PAUSED)
    assert (sms.channel, sms.recipient) == (Channel.SMS, "+33612345678")
    assert "en pause jusqu'au 14/03 inclus" in sms.body and "http" not in sms.body
    assert "03 83 94 54 54" in sms.body

    monday.move_to(MONDAY + timedelta(days=14))  # Monday the 15th: the pause is over
    visits_generate()
    pairing.refresh_from_db()
    assert (pairing.status, pairing.paused_until) == (PairingStatus.ACTIVE, None)
    assert date(2027, 3, 30) in set(pairing.visits.values_list("date", flat=True))


def test_staff_pause_for_the_person_who_chose_a_call_and_staff_are_asked_to_call_her(monday, agent, client):
    volunteer = VolunteerProfileFactory()
    pairing = pairing_with(volunteer, **JEANNE, preferred_channel="phone", source=Source.PHONE)
    client.force_login(agent)

    response = client.post(
        f"/admin/pairings/pairing/{pairing.pk}/pause/", {"paused_until": "2027-03-20", "side": Side.BENEFICIARY}
    )

    assert response.status_code == 302
    pairing.refresh_from_db()
    assert (pairing.status, pairing.changed_by, pairing.changed_for) == (PairingStatus.PAUSED, agent, Side.BENEFICIARY)
    [call] = rows(Event.PAIRING_CALL)
    assert call.recipient == "agent@cd54.fr" and "Appelez-la" in call.body
    assert_no_personal_data(call)
    # No SMS to her (she chose a call); the volunteer learns of the pause by email.
    assert [(n.channel, n.recipient) for n in rows(Event.PAIRING_PAUSED)] == [(Channel.EMAIL, volunteer.user.email)]


def test_a_pause_needs_a_date_to_come(monday, client):
    volunteer = VolunteerProfileFactory()
    pairing = pairing_with(volunteer)
    client.force_login(volunteer.user)

    response = client.post(f"/benevoles/accompagnements/{pairing.pk}/pause/", {"paused_until": "2027-02-01"})

    assert response.status_code == 400
    assert "Choisissez une date à venir." in response.content.decode()
    with pytest.raises(PairingError):
        pairing_pause(pairing=pairing, until=date(2027, 3, 1), side=Side.STAFF)


def test_the_volunteer_ends_the_pairing_and_the_person_is_told_by_email_and_sms(monday, client):
    volunteer = VolunteerProfileFactory()
    pairing = pairing_with(volunteer, **JEANNE, requester_email="jeanne@exemple.fr")
    client.force_login(volunteer.user)

    response = client.post(f"/benevoles/accompagnements/{pairing.pk}/fin/", {"reason": "Je déménage."})

    assert response.status_code == 302 and response["Location"] == "/benevoles/"
    pairing.refresh_from_db()
    assert (pairing.status, pairing.end_reason) == (PairingStatus.ENDED, "Je déménage.")
    assert pairing.changed_for == Side.VOLUNTEER
    assert pairing.visits.count() == 0  # none to come after the end
    proposal = pairing.proposal
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DONE
    pairing.help_request.refresh_from_db()
    assert pairing.help_request.status == Status.DONE
    ended = rows(Event.PAIRING_ENDED)
    assert [(n.channel, n.recipient) for n in ended] == [
        (Channel.EMAIL, "jeanne@exemple.fr"), (Channel.SMS, "+33612345678"),
    ]  # fmt: skip
    assert "le bénévole ne peut plus l'assurer" in ended[0].body and "Je déménage" not in ended[0].body
    # A pairing that ends asks no "did help arrive?" question: it came every week.
    assert rows(Event.HELP_ARRIVED_ASKED) == [] and rows(Event.REQUEST_DONE) == []
    # Her place is free again.
    volunteer.refresh_from_db()
    assert volunteer.live_count == 0 and volunteer.completed_count == 1
    assert visits_generate() == 0
    with pytest.raises(PairingError):
        pairing_end(pairing=pairing, reason="encore", side=Side.STAFF)


def test_staff_end_the_pairing_for_the_person_and_both_are_told(monday, agent, client):
    volunteer = VolunteerProfileFactory()
    pairing = pairing_with(volunteer, **JEANNE)
    client.force_login(agent)

    assert client.get(f"/admin/pairings/pairing/{pairing.pk}/fin/").status_code == 200
    response = client.post(
        f"/admin/pairings/pairing/{pairing.pk}/fin/", {"reason": "Sa fille vit avec elle.", "side": "beneficiary"}
    )

    assert response.status_code == 302
    pairing.refresh_from_db()
    assert pairing.status == PairingStatus.ENDED and pairing.changed_by == agent
    recipients = {(n.channel, n.recipient) for n in rows(Event.PAIRING_ENDED)}
    assert recipients == {(Channel.SMS, "+33612345678"), (Channel.EMAIL, volunteer.user.email)}
    to_volunteer = next(n for n in rows(Event.PAIRING_ENDED) if n.channel == Channel.EMAIL)
    assert "à la demande de la personne aidée" in to_volunteer.body


def test_a_bad_staff_form_comes_back_with_its_errors(monday, agent, client):
    pairing = pairing_with()
    client.force_login(agent)

    response = client.post(f"/admin/pairings/pairing/{pairing.pk}/pause/", {"paused_until": "demain", "side": "x"})

    assert response.status_code == 400
    pairing.refresh_from_db()
    assert pairing.status == PairingStatus.ACTIVE


def test_a_concern_alerts_staff_at_once_without_the_person_s_data(monday, agent, client):
    volunteer = VolunteerProfileFactory()
    pairing = pairing_with(volunteer, **JEANNE)
    monday.move_to(MONDAY + timedelta(days=1, hours=2))
    visit = pairing.visits.get(date=date(2027, 3, 2))
    client.force_login(volunteer.user)

    response = client.post(
        f"/benevoles/visites/{visit.pk}/", {"outcome": "concern", "note": "Jeanne Martin semblait perdue."}
    )

    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.outcome, visit.note) == (VisitOutcome.CONCERN, "Jeanne Martin semblait perdue.")
    [alert] = rows(Event.VISIT_CONCERN)
    assert alert.recipient == "agent@cd54.fr"
    assert pairing.help_request.reference in alert.subject and f"/admin/pairings/pairing/{pairing.pk}/" in alert.body
    assert_no_personal_data(alert)
    assert "semblait perdue" not in alert.body
    note = RequestNote.objects.get(help_request=pairing.help_request)
    assert "INQUIÉTUDE" in note.text and "semblait perdue" in note.text
    pairing.refresh_from_db()
    assert pairing.status == PairingStatus.ACTIVE  # the visits go on; staff check on her


def test_the_volunteer_s_messages_carry_no_personal_data(monday, agent):
    volunteer = VolunteerProfileFactory()
    pairing = pairing_with(volunteer, **JEANNE, requester_email="jeanne@exemple.fr")
    monday.move_to(MONDAY + timedelta(days=2))
    visits_sweep()
    pairing_pause(pairing=pairing, until=date(2027, 3, 20), side=Side.BENEFICIARY)
    to_volunteer = [
        n
        for n in rows(Event.VISIT_MISSED) + rows(Event.PAIRING_PAUSED)
        if n.recipient != "jeanne@exemple.fr" and n.recipient != "+33612345678"
    ]
    assert len(to_volunteer) == 3  # the reminder by email and SMS, the pause by email
    for notification in to_volunteer:
        assert_no_personal_data(notification)
