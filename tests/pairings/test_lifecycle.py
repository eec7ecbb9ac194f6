"""A weekly pairing over five weeks, the clock moved day by day: the visits generated once, confirmed, a missed one
reminded, two missed in a row alerting staff and offering the pairing to another volunteer, whose visits go on."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from core.enums import DayPeriod, Weekday
from core.slots import ALL_SLOTS, slot_bit
from matching.enums import ProposalStatus
from matching.models import Proposal
from matching.services import proposal_accept, propose_best
from notifications.enums import Channel, Event
from pairings.enums import PairingAction, PairingStatus, VisitOutcome
from pairings.models import Pairing, PairingError, Visit
from pairings.services import visit_record, visits_generate, visits_sweep
from requests_app.enums import Status
from tests.accounts.factories import AgentFactory
from tests.notifications.messages import rows
from tests.pairings.factories import regular_request
from tests.volunteers.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)


def outcomes(pairing) -> dict[date, str]:
    return dict(pairing.visits.values_list("date", "outcome"))


def test_a_weekly_pairing_over_five_weeks(time_machine, client):
    time_machine.move_to(at(date(2027, 3, 1)), tick=False)  # a Monday
    AgentFactory(email="agent@cd54.fr")
    # Free on Tuesday mornings, the first two; the third is not, and is never asked, however well placed.
    anne = VolunteerProfileFactory(availability=slot_bit(Weekday.TUESDAY, DayPeriod.MORNING), phone="+33611111111")
    bruno = VolunteerProfileFactory(availability=ALL_SLOTS)
    VolunteerProfileFactory(availability=ALL_SLOTS & ~slot_bit(Weekday.TUESDAY, DayPeriod.MORNING))
    help_request = regular_request(day=Weekday.TUESDAY, period=DayPeriod.MORNING)

    proposal = propose_best(help_request)
    assert proposal.volunteer == anne
    assert "disponible le mardi matin" in proposal.explanation
    proposal_accept(proposal=proposal)

    # Accepted on Monday: the four Tuesdays to come, created once.
    pairing = Pairing.objects.get(help_request=help_request)
    assert (pairing.status, pairing.volunteer) == (PairingStatus.ACTIVE, anne)
    tuesdays = [date(2027, 3, 2), date(2027, 3, 9), date(2027, 3, 16), date(2027, 3, 23)]
    assert sorted(outcomes(pairing)) == tuesdays
    assert visits_generate() == 0
    assert pairing.visits.count() == 4

    # Week 1: Anne calls on Tuesday and says so from her space.
    time_machine.move_to(at(date(2027, 3, 2), 11))
    client.force_login(anne.user)
    first = pairing.visits.get(date=date(2027, 3, 2))
    response = client.post(f"/benevoles/visites/{first.pk}/", {"outcome": "done", "retour": "tableau"})
    assert response.status_code == 302 and response["Location"] == "/benevoles/"
    assert outcomes(pairing)[date(2027, 3, 2)] == VisitOutcome.DONE

    # Week 2: nothing said by Wednesday morning. The visit is missed and Anne reminded, by email and SMS.
    time_machine.move_to(at(date(2027, 3, 10)))
    assert visits_generate() == 2  # the night's run: two more Tuesdays come within four weeks
    assert visits_generate() == 0
    assert visits_sweep() == 1
    assert outcomes(pairing)[date(2027, 3, 9)] == VisitOutcome.MISSED
    assert sorted((n.channel, n.recipient) for n in rows(Event.VISIT_MISSED)) == [
        (Channel.EMAIL, anne.user.email), (Channel.SMS, "+33611111111"),
    ]  # fmt: skip
    assert rows(Event.PAIRING_ALERT) == []
    assert visits_sweep() == 0  # reminded once

    # Week 3: missed again. Staff are alerted, and the pairing is offered to Bruno; Anne no longer carries it.
    time_machine.move_to(at(date(2027, 3, 17)))
    assert visits_sweep() == 1
    [alert] = rows(Event.PAIRING_ALERT)
    assert alert.recipient == "agent@cd54.fr" and help_request.reference in alert.subject
    assert "Deux visites de suite n'ont pas été confirmées" in alert.body
    pairing.refresh_from_db()
    assert (pairing.status, pairing.volunteer) == (PairingStatus.SEEKING, None)
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.CANCELLED
    replacement = Proposal.objects.get(help_request=help_request, status=ProposalStatus.PROPOSED)
    assert replacement.volunteer == bruno
    assert [n.recipient for n in rows(Event.PAIRING_ENDED)] == [anne.user.email]  # told it is handed over
    assert sorted(outcomes(pairing)) == tuesdays[:3]  # her visits to come are gone, the past ones kept

    # Bruno accepts: the same pairing, its history kept, his Tuesdays ahead.
    proposal_accept(proposal=replacement)
    pairing.refresh_from_db()
    assert (pairing.status, pairing.volunteer, pairing.proposal) == (PairingStatus.ACTIVE, bruno, replacement)
    assert list(pairing.changes.values_list("action", flat=True)) == [
        PairingAction.STARTED, PairingAction.ALERT, PairingAction.REPLACED,
    ]  # fmt: skip
    assert set(pairing.visits.filter(volunteer=anne).values_list("date", flat=True)) == set(tuesdays[:3])
    assert sorted(pairing.visits.filter(volunteer=bruno).values_list("date", flat=True))[0] == date(2027, 3, 23)
    help_request.refresh_from_db()
    assert help_request.status == Status.ASSIGNED

    # Weeks 4 and 5: Bruno calls. Anne's old visits are no longer hers to note.
    for tuesday in (date(2027, 3, 23), date(2027, 3, 30)):
        time_machine.move_to(at(tuesday, 16))
        visits_generate()
        visit_record(visit=pairing.visits.get(date=tuesday), outcome=VisitOutcome.DONE, by=bruno.user)
    client.force_login(anne.user)
    old = pairing.visits.get(date=date(2027, 3, 16))
    assert client.post(f"/benevoles/visites/{old.pk}/", {"outcome": "done"}).status_code == 404
    time_machine.move_to(at(date(2027, 3, 31)))
    assert visits_sweep() == 0
    assert [outcomes(pairing)[day] for day in (*tuesdays, date(2027, 3, 30))] == [
        VisitOutcome.DONE, VisitOutcome.MISSED, VisitOutcome.MISSED, VisitOutcome.DONE, VisitOutcome.DONE,
    ]  # fmt: skip
    assert len(rows(Event.PAIRING_ALERT)) == 1


def test_unreachable_twice_in_a_row_alerts_staff_and_offers_another_volunteer(time_machine):
    time_machine.move_to(at(date(2027, 3, 1)), tick=False)
    AgentFactory(email="agent@cd54.fr")
    anne, bruno = VolunteerProfileFactory(), VolunteerProfileFactory()
    help_request = regular_request()
    proposal_accept(proposal=propose_best(help_request))
    pairing = Pairing.objects.get(help_request=help_request)

    time_machine.move_to(at(date(2027, 3, 2), 11))
    visit_record(visit=pairing.visits.get(date=date(2027, 3, 2)), outcome=VisitOutcome.UNREACHABLE, by=anne.user)
    assert rows(Event.PAIRING_ALERT) == []
    time_machine.move_to(at(date(2027, 3, 9), 11))
    visit_record(visit=pairing.visits.get(date=date(2027, 3, 9)), outcome=VisitOutcome.UNREACHABLE, by=anne.user)

    [alert] = rows(Event.PAIRING_ALERT)
    assert "injoignable deux fois de suite" in alert.body and "Vérifiez qu'elle va bien" in alert.body
    assert Proposal.objects.get(help_request=help_request, status=ProposalStatus.PROPOSED).volunteer == bruno


def test_a_missed_visit_then_a_done_one_is_no_streak(time_machine):
    time_machine.move_to(at(date(2027, 3, 1)), tick=False)
    AgentFactory()
    anne = VolunteerProfileFactory()
    help_request = regular_request()
    proposal_accept(proposal=propose_best(help_request))
    pairing = Pairing.objects.get(help_request=help_request)

    time_machine.move_to(at(date(2027, 3, 3)))
    visits_sweep()
    time_machine.move_to(at(date(2027, 3, 9), 11))
    visit_record(visit=pairing.visits.get(date=date(2027, 3, 9)), outcome=VisitOutcome.DONE, by=anne.user)
    time_machine.move_to(at(date(2027, 3, 17)))
    visits_sweep()  # the 16th missed: one after a done, not two in a row

    assert rows(Event.PAIRING_ALERT) == []
    pairing.refresh_from_db()
    assert pairing.status == PairingStatus.ACTIVE


def test_a_visit_to_come_cannot_be_recorded_nor_one_recorded_twice(time_machine):
    time_machine.move_to(at(date(2027, 3, 1)), tick=False)
    anne = VolunteerProfileFactory()
    help_request = regular_request()
    proposal_accept(proposal=propose_best(help_request))
    visit = Visit.objects.get(pairing__help_request=help_request, date=date(2027, 3, 2))

    with pytest.raises(PairingError, match="pas encore eu lieu"):
        visit_record(visit=visit, outcome=VisitOutcome.DONE, by=anne.user)
    time_machine.move_to(at(date(2027, 3, 2), 12))
    visit_record(visit=visit, outcome=VisitOutcome.DONE, by=anne.user)
    with pytest.raises(PairingError, match="déjà notée"):
        visit_record(visit=visit, outcome=VisitOutcome.CONCERN, by=anne.user)
