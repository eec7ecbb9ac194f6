"""The matching for a regular help: the volunteer's availability must cover the slot every week, and whoever already
helped the person ranks first (continuity), with the reason in the explanation. Staff turn a completed request into
a pairing, and the one who helped is asked again."""

from html import unescape

import pytest

from core.enums import DayPeriod, Weekday
from core.models import Commune
from core.slots import ALL_SLOTS, slot_bit
from matching.enums import ProposalStatus
from matching.models import Proposal
from matching.ranking import candidates
from matching.services import proposal_accept, proposal_complete, proposal_create
from matching.weights import CONTINUITY_POINTS
from pairings.enums import PairingStatus
from pairings.models import Pairing, PairingError
from pairings.services import pairing_request
from requests_app.enums import Status
from tests.accounts.factories import AgentFactory
from tests.matching.test_ranking import LUNEVILLE, NANCY, request_in, volunteer_in
from tests.pairings.factories import pairing_with, regular_request
from tests.requests_app.factories import HelpRequestFactory
from tests.volunteers.factories import VolunteerProfileFactory
from volunteers.enums import Reach
from volunteers.services import volunteer_suspend

pytestmark = pytest.mark.django_db
TUESDAY_MORNING = slot_bit(Weekday.TUESDAY, DayPeriod.MORNING)


def test_a_regular_help_asks_the_slot_every_week_not_just_any_of_the_preferred_ones():
    free_on_tuesday_morning = volunteer_in(NANCY, availability=TUESDAY_MORNING)
    volunteer_in(NANCY, availability=ALL_SLOTS & ~TUESDAY_MORNING)  # free all week but then
    help_request = request_in(NANCY, recurring_day=Weekday.TUESDAY, recurring_period=DayPeriod.MORNING)

    assert [c.volunteer for c in candidates(help_request)] == [free_on_tuesday_morning]


def test_whoever_already_helped_the_person_ranks_first_however_far(client):
    help_request = request_in(NANCY, requester_phone="+33612345678")
    near = volunteer_in(NANCY, has_vehicle=True, completed_count=10)
    far = volunteer_in(LUNEVILLE, reach=Reach.DEPARTEMENT)
    proposal_complete(
        proposal=proposal_accept(proposal=proposal_create(help_request=help_request, volunteer=far)),
        report="Courses faites.",
        concern=False,
    )
    # Another request for the same person, from the same number, this one every week.
    again = request_in(
        NANCY, requester_phone="+33612345678", recurring_day=Weekday.TUESDAY, recurring_period=DayPeriod.MORNING
    )

    ranked = candidates(again)

    assert [c.volunteer for c in ranked[:2]] == [far, near]
    assert ranked[0].continuity and ranked[0].score > ranked[1].score
    assert ranked[0].explanation.startswith(f"a déjà aidé cette personne (+{CONTINUITY_POINTS})")
    assert sum(points for _label, points in ranked[0].factors) == ranked[0].score


def test_continuity_does_not_lift_a_volunteer_past_the_hard_filters():
    help_request = request_in(NANCY, requester_phone="+33612345678")
    busy_on_tuesdays = volunteer_in(NANCY, availability=ALL_SLOTS & ~TUESDAY_MORNING)
    proposal_complete(
        proposal=proposal_accept(proposal=proposal_create(help_request=help_request, volunteer=busy_on_tuesdays)),
        report="",
        concern=False,
    )
    again = request_in(
        NANCY, requester_phone="+33612345678", recurring_day=Weekday.TUESDAY, recurring_period=DayPeriod.MORNING
    )

    assert busy_on_tuesdays not in [c.volunteer for c in candidates(again)]


def test_a_one_off_request_ranks_as_before_continuity_apart():
    help_request = request_in(NANCY, requester_phone="+33612345678")
    first, second = volunteer_in(NANCY), volunteer_in(NANCY)
    proposal_complete(
        proposal=proposal_accept(proposal=proposal_create(help_request=help_request, volunteer=second)),
        report="",
        concern=False,
    )

    ranked = candidates(request_in(NANCY, requester_phone="+33612345678"))

    assert not any(c.continuity for c in ranked)
    assert first in [c.volunteer for c in ranked]


def test_staff_turn_a_completed_request_into_a_pairing_and_the_same_volunteer_is_asked_first(client):
    agent = AgentFactory()
    helped = VolunteerProfileFactory(home_commune=Commune.objects.get(insee=LUNEVILLE))
    VolunteerProfileFactory()  # nearer, but she never helped the person
    help_request = HelpRequestFactory(triaged=True)
    proposal_complete(
        proposal=proposal_accept(proposal=proposal_create(help_request=help_request, volunteer=helped)),
        report="",
        concern=False,
    )
    client.force_login(agent)

    assert client.get(f"/admin/pairings/pairing/add/?demande={help_request.reference}").status_code == 200
    response = client.post(
        "/admin/pairings/pairing/add/",
        {"reference": help_request.reference.lower(), "weekday": Weekday.THURSDAY, "period": DayPeriod.AFTERNOON},
    )

    pairing = Pairing.objects.get(help_request=help_request)
    assert response.status_code == 302 and response["Location"] == f"/admin/pairings/pairing/{pairing.pk}/change/"
    assert (pairing.status, pairing.weekday, pairing.period) == (PairingStatus.SEEKING, Weekday.THURSDAY, 1)
    help_request.refresh_from_db()
    assert help_request.status == Status.PROPOSED and help_request.is_recurring
    offer = Proposal.objects.get(help_request=help_request, status=ProposalStatus.PROPOSED)
    assert offer.volunteer == helped and "a déjà aidé cette personne" in offer.explanation

    proposal_accept(proposal=offer)
    pairing.refresh_from_db()
    assert (pairing.status, pairing.volunteer) == (PairingStatus.ACTIVE, helped)
    assert client.get(f"/admin/pairings/pairing/{pairing.pk}/change/").status_code == 200


def test_a_request_with_a_live_assignment_or_a_pairing_cannot_be_turned_into_another(client):
    pairing = pairing_with()
    with pytest.raises(PairingError, match="déjà un accompagnement"):
        pairing_request(help_request=pairing.help_request, weekday=0, period=0)
    assigned = HelpRequestFactory(triaged=True)
    proposal_accept(proposal=proposal_create(help_request=assigned, volunteer=VolunteerProfileFactory()))
    with pytest.raises(PairingError, match="en cours"):
        pairing_request(help_request=assigned, weekday=0, period=0)

    client.force_login(AgentFactory())
    response = client.post("/admin/pairings/pairing/add/", {"reference": "E54-0000-0000", "weekday": 0, "period": 0})
    assert response.status_code == 400 and "Aucune demande n'a cette référence." in unescape(response.content.decode())


def test_a_regular_request_accepted_becomes_a_pairing_with_its_visits():
    help_request = regular_request()
    pairing = pairing_with(help_request=help_request)
    assert pairing.status == PairingStatus.ACTIVE and pairing.visits.count() >= 3


def test_a_suspended_volunteer_s_pairing_is_offered_to_someone_else_its_history_kept():
    anne = VolunteerProfileFactory()
    pairing = pairing_with(anne)
    bruno = VolunteerProfileFactory()

    volunteer_suspend(volunteer=anne, reason="Plainte d'une personne aidée.")

    pairing.refresh_from_db()
    assert pairing.status == PairingStatus.SEEKING
    assert pairing.visits.filter(volunteer=anne, outcome="").count() == 0
    offer = Proposal.objects.get(help_request=pairing.help_request, status=ProposalStatus.PROPOSED)
    assert offer.volunteer == bruno
    proposal_accept(proposal=offer)
    pairing.refresh_from_db()
    assert (pairing.status, pairing.volunteer) == (PairingStatus.ACTIVE, bruno)
