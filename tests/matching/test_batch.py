"""The matching's batch (matching/batch.py): every open request proposed at once, ranked as `candidates` ranks, the
assignment solved for the most total score, written in chunks under the same rules and locks as `proposal_create`."""

import random
from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.enums import DayPeriod, Domain, Proximity, Vetting, Weekday, domains_to_mask
from core.models import Commune, HelpType
from core.slots import slot_bit
from matching import batch
from matching.enums import LIVE_PROPOSAL_STATUSES, ProposalStatus
from matching.models import Proposal
from matching.ranking import Scored, candidates, candidates_for_many
from matching.services import proposal_create
from matching.tasks import propose_open_requests
from matching.weights import LOAD_PENALTY
from notifications.enums import Channel, Event
from notifications.models import Notification
from requests_app.enums import CarerStatus, Status
from requests_app.models import StatusChange
from tests.core.factories import HelpTypeFactory
from tests.matching.factories import ProposalFactory
from tests.requests_app.factories import HelpRequestFactory
from tests.volunteers.factories import VolunteerProfileFactory
from volunteers.enums import Reach
from volunteers.models import Skill, VolunteerProfile

pytestmark = pytest.mark.django_db

NANCY, VANDOEUVRE, POMPEY, LUNEVILLE = "54395", "54547", "54430", "54329"


def commune(insee):
    return Commune.objects.get(insee=insee)


def request_in(insee=NANCY, code="shopping", **fields):
    return HelpRequestFactory(
        triaged=True, commune=commune(insee), help_type=HelpType.objects.get(code=code), **fields
    )


def volunteer_in(insee=NANCY, **fields):
    return VolunteerProfileFactory(home_commune=commune(insee), **fields)


def seeded_sample(seed=54, volunteers=40, requests=60):
    """Volunteers and requests spread over four communes (every tier), with random reach, domains, slots, vehicle,
    record, fairness, capacity; a skill useful for shopping; a regular help whose helper is known."""
    rng = random.Random(seed)
    places = [NANCY, NANCY, VANDOEUVRE, POMPEY, LUNEVILLE]
    skill = Skill.objects.create(name="Permis B")
    skill.help_types.add(HelpType.objects.get(code="shopping"))
    now = timezone.now()
    for _ in range(volunteers):
        volunteer = volunteer_in(
            rng.choice(places),
            reach=rng.choice([Reach.COMMUNE, Reach.EPCI, Reach.ARRONDISSEMENT, Reach.DEPARTEMENT]),
            domains=rng.randrange(1, 16),
            availability=rng.randrange(1, 1 << 21),
            has_vehicle=rng.random() < 0.4,
            capacity=rng.randrange(1, 4),
        )
        VolunteerProfile.objects.filter(pk=volunteer.pk).update(
            completed_count=rng.randrange(0, 12),
            last_assigned_at=None if rng.random() < 0.5 else now - timedelta(days=rng.randrange(0, 20), hours=5),
        )
        if rng.random() < 0.3:
            volunteer.skills.add(skill)
    codes = ["shopping", "medicine", "phone_call", "meal_delivery", "food_parcel"]
    for _ in range(requests):
        request_in(
            rng.choice(places),
            code=rng.choice(codes),
            preferred_slots=0 if rng.random() < 0.5 else rng.randrange(1, 1 << 21),
        )
    # A regular help: whoever completed the person's earlier one comes first (continuity).
    helper = volunteer_in(LUNEVILLE)
    earlier = HelpRequestFactory(done=True, commune=commune(LUNEVILLE), requester_phone="+33612345678")
    ProposalFactory(help_request=earlier, volunteer=helper, status=ProposalStatus.DONE)
    request_in(
        LUNEVILLE, requester_phone="+33612345678", recurring_day=Weekday.MONDAY, recurring_period=DayPeriod.MORNING
    )


def live_proposals(help_request):
    return list(help_request.proposals.filter(status__in=LIVE_PROPOSAL_STATUSES))


# --- Ranking: as `candidates` ranks --------------------------------------------------------------------------------


def test_the_set_based_ranking_equals_candidates_request_by_request():
    seeded_sample()
    help_requests = batch.open_requests()
    ranked = candidates_for_many(help_requests, limit=10)
    for help_request in help_requests:
        expected = [(c.volunteer.pk, c.score, c.continuity) for c in candidates(help_request, limit=10)]
        assert [(s.volunteer_id, s.score, s.continuity) for s in ranked[help_request.pk]] == expected
    assert any(s.continuity for found in ranked.values() for s in found)  # the regular help was in the sample


def test_the_proposals_are_candidates_scores_with_the_load_each_took_on():
    seeded_sample()
    before = {r.pk: {c.volunteer.pk: c.score for c in candidates(r, limit=10)} for r in batch.open_requests()}
    propose_open_requests()
    seen = Counter()
    for proposal in Proposal.objects.filter(status=ProposalStatus.PROPOSED).order_by("pk"):
        ranked = before[proposal.help_request_id]
        if proposal.volunteer_id not in ranked:
            continue  # proposed afterwards by propose_best, among the places left
        # Her k-th proposal of the batch: scored with the k requests she follows by then, as its explanation says.
        assert proposal.score == ranked[proposal.volunteer_id] - LOAD_PENALTY * seen[proposal.volunteer_id]
        seen[proposal.volunteer_id] += 1
    assert seen


# --- The assignment -------------------------------------------------------------------------------------------------


def test_every_request_gets_one_live_proposal_at_most_and_nobody_more_than_her_capacity():
    seeded_sample()
    propose_open_requests()
    live = Proposal.objects.filter(status__in=LIVE_PROPOSAL_STATUSES)
    assert live.exists()
    assert max(Counter(live.values_list("help_request_id", flat=True)).values()) == 1
    per_volunteer = Counter(live.values_list("volunteer_id", flat=True))
    for volunteer in VolunteerProfile.objects.all():
        assert volunteer.live_count == per_volunteer[volunteer.pk] <= volunteer.capacity
    # Every request left is with staff now, as `propose_best` leaves it when nobody fits.
    assert not batch.open_requests()


def test_the_solver_scores_at_least_what_one_request_after_another_would_on_the_same_scores():
    seeded_sample(seed=7, volunteers=25, requests=70)  # more requests than places: choices matter
    plan = batch.batch_plan()
    greedy = batch.assignment_greedy(plan.ranked, plan.places)
    assert plan.total >= sum(score for _, score in greedy.values())
    assert sum(plan.places.values()) < len(plan.ranked)


def test_the_solver_beats_greedy_where_the_first_request_takes_the_only_volunteer_of_the_second():
    near = Proximity.SAME_COMMUNE
    ranked = {
        1: [Scored(10, 500, near, False), Scored(20, 450, near, False)],  # would be fine with either
        2: [Scored(10, 480, near, False)],  # only the first volunteer can take it
    }
    places = {10: 1, 20: 1}
    greedy = batch.assignment_greedy(ranked, places)
    solved = batch.assignment_solve(ranked, places)
    assert {r: c.volunteer_id for r, (c, _) in greedy.items()} == {1: 10}
    assert {r: c.volunteer_id for r, (c, _) in solved.items()} == {1: 20, 2: 10}
    assert sum(score for _, score in solved.values()) == 930 > sum(score for _, score in greedy.values()) == 500


def test_a_volunteer_s_second_place_counts_with_her_load():
    near = Proximity.SAME_COMMUNE
    ranked = {1: [Scored(10, 420, near, False)], 2: [Scored(10, 420, near, False), Scored(20, 418, near, False)]}
    solved = batch.assignment_solve(ranked, {10: 2, 20: 1})
    # 420 + 418 beats 420 + (420 − LOAD_PENALTY): the second request goes to the free volunteer.
    assert {r: (c.volunteer_id, score) for r, (c, score) in solved.items()} == {1: (10, 420), 2: (20, 418)}


# --- Hard filters: one case each ----------------------------------------------------------------------------------

YEAR = timezone.localdate().year


def unfit_cases():
    vetted = dict(code="vetted", domain=Domain.LOCAL_SOLIDARITY, vetting=Vetting.IDENTITY)
    return {
        "not ready": ({}, {"without_attestations": True}),
        "paused": ({}, {"paused_until": timezone.localdate() + timedelta(days=3)}),
        "out of reach": ({}, {"insee": LUNEVILLE, "reach": Reach.COMMUNE}),
        "wrong domain": ({}, {"domains": domains_to_mask([Domain.FOOD_EMERGENCY])}),
        "vetting missing": ({"help_type": vetted}, {}),
        "minimum age": ({"help_type": {**vetted, "code": "aged", "vetting": Vetting.NONE, "minimum_age": 25}},
                        {"birth_year": YEAR - 20}),
        "protective rule": ({}, {"birth_year": YEAR - 75}),
        "busy": ({}, {"capacity": 1, "live": True}),
        "slot": ({"preferred_slots": slot_bit(Weekday.MONDAY, DayPeriod.MORNING)},
                 {"availability": slot_bit(Weekday.TUESDAY, DayPeriod.MORNING)}),
    }  # fmt: skip


@pytest.mark.parametrize("case", list(unfit_cases()))
def test_a_volunteer_failing_a_hard_filter_is_not_proposed(case):
    request_fields, volunteer_fields = unfit_cases()[case]
    if help_type := request_fields.pop("help_type", None):
        request_fields["help_type"] = HelpTypeFactory(**help_type)
    live = volunteer_fields.pop("live", False)
    volunteer = volunteer_in(volunteer_fields.pop("insee", NANCY), **volunteer_fields)
    if live:
        ProposalFactory(volunteer=volunteer)
    help_request = HelpRequestFactory(triaged=True, **request_fields)
    assert not any(a.volunteer_id == volunteer.pk for a in batch.batch_plan().assignments)
    propose_open_requests()
    help_request.refresh_from_db()
    assert not help_request.proposals.filter(volunteer=volunteer, status=ProposalStatus.PROPOSED).exists()
    assert help_request.status == Status.NEEDS_STAFF  # nobody fits: to staff, as propose_best sends it


def test_a_volunteer_who_declined_the_request_is_not_asked_again():
    declined, other = volunteer_in(), volunteer_in()
    help_request = request_in()
    ProposalFactory(help_request=help_request, volunteer=declined, status=ProposalStatus.DECLINED)
    propose_open_requests()
    assert [p.volunteer for p in live_proposals(help_request)] == [other]


def test_a_childcare_request_waits_for_staff_to_confirm_the_carer():
    volunteer_in(document_checked_until=timezone.localdate() + timedelta(days=90), birth_year=YEAR - 40)
    waiting = request_in(code="childcare", carer_status=CarerStatus.CARER)
    assert waiting not in batch.open_requests()
    propose_open_requests()
    waiting.refresh_from_db()
    assert waiting.status == Status.TRIAGED and not waiting.proposals.exists()


def test_requests_at_their_last_attempt_or_with_a_live_proposal_are_left_alone():
    volunteer_in(capacity=5)
    tried = request_in()
    for _ in range(3):
        ProposalFactory(help_request=tried, status=ProposalStatus.EXPIRED)
    proposed = ProposalFactory(help_request=request_in(status=Status.PROPOSED)).help_request
    assert {tried, proposed}.isdisjoint(batch.open_requests())


# --- Writing: the checks under the locks, history, messages, counters --------------------------------------------


def test_a_request_staff_proposed_between_ranking_and_writing_is_not_proposed_twice():
    chosen, by_hand = volunteer_in(), volunteer_in()
    help_request = request_in()
    plan = batch.batch_plan()
    assert [(a.help_request_id, a.volunteer_id) for a in plan.assignments] == [(help_request.pk, chosen.pk)]
    proposal_create(help_request=help_request, volunteer=by_hand)
    skipped = batch.chunk_write(plan.chunks()[0], now=plan.now)
    assert skipped == [help_request.pk]
    assert [p.volunteer for p in live_proposals(help_request)] == [by_hand]
    chosen.refresh_from_db()
    assert chosen.live_count == 0


def test_a_volunteer_whose_capacity_filled_meanwhile_is_skipped_and_the_request_offered_to_the_next():
    chosen = volunteer_in(capacity=1, completed_count=0)
    help_request = request_in()
    plan = batch.batch_plan()
    ProposalFactory(volunteer=chosen)  # staff gave her another request meanwhile
    next_best = volunteer_in()
    assert batch.chunk_write(plan.chunks()[0], now=plan.now) == [help_request.pk]
    batch.leftovers_propose([help_request.pk])
    assert [p.volunteer for p in live_proposals(help_request)] == [next_best]


def test_the_batch_writes_the_history_line_the_counters_and_the_messages_of_each_proposal(
    django_capture_on_commit_callbacks,
):
    volunteer = volunteer_in()
    help_request = request_in(urgency=1)
    with django_capture_on_commit_callbacks(execute=True):
        propose_open_requests()
    proposal = Proposal.objects.get()
    help_request.refresh_from_db()
    volunteer.refresh_from_db()
    assert (proposal.volunteer, help_request.status, volunteer.live_count) == (volunteer, Status.PROPOSED, 1)
    assert proposal.explanation and proposal.respond_by > timezone.now()
    change = StatusChange.objects.filter(help_request=help_request).get()
    assert (change.from_status, change.to_status, change.note) == (
        Status.TRIAGED, Status.PROPOSED, f"Proposée au bénévole n° {volunteer.pk}"
    )  # fmt: skip
    messages = Notification.objects.filter(event=Event.PROPOSAL_MADE, help_request=help_request)
    assert sorted(messages.values_list("channel", "recipient")) == [
        (Channel.EMAIL, volunteer.user.email), (Channel.SMS, volunteer.phone.as_e164)
    ]  # fmt: skip
    assert help_request.reply_code in messages.get(channel=Channel.SMS).body


def test_a_chunk_s_statements_do_not_grow_with_its_size():
    def statements(count):
        Proposal.objects.all().delete()
        for _ in range(count):
            volunteer_in(capacity=1)
            request_in()
        plan = batch.batch_plan()
        assert len(plan.assignments) == count
        with CaptureQueriesContext(connection) as queries:
            assert batch.chunk_write(plan.chunks()[0], now=plan.now) == []
        return len(queries)

    # Savepoint; volunteers locked, requests locked, their earlier proposals; the requests moved (savepoint, lock,
    # update, history, release); the proposals; the counters (one statement per number of proposals a volunteer
    # got: one here); the health rules in force; the messages; release.
    assert statements(2) == statements(9) == 14


def test_the_management_command_proposes_the_backlog():
    volunteer_in()
    help_request = request_in()
    call_command("propose_open_requests", stdout=StringIO())
    assert len(live_proposals(help_request)) == 1
