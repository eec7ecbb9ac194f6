"""The score is stated once, in matching.ranking.FACTORS, and read three ways: the tier walk's SQL, the plain
query's ORM expression, and the explanation's lines. They must agree, volunteer by volunteer."""

import random
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from core.models import Commune, HelpType
from matching.enums import ProposalStatus
from matching.models import ProposalError
from matching.ranking import candidates, plain_ranking
from tests.matching.factories import ProposalFactory
from tests.requests_app.factories import HelpRequestFactory
from tests.volunteers.factories import VolunteerProfileFactory
from volunteers.enums import Reach
from volunteers.models import Skill

pytestmark = pytest.mark.django_db

EVERYONE = 1000  # more than the sample: every eligible volunteer is ranked, not only the first ten


@time_machine.travel("2027-03-01 10:00 +01:00", tick=False)
def test_the_walk_the_plain_query_and_the_explanations_add_up_to_the_same_scores():
    rng = random.Random(2027)
    communes = list(Commune.objects.filter(arrondissement="543").order_by("insee")[:12]) + list(
        Commune.objects.exclude(arrondissement="543").order_by("insee")[:4]
    )
    first_aid = Skill.objects.create(name="Premiers secours")
    first_aid.help_types.add(*HelpType.objects.filter(code__in=["shopping", "phone_call"]))
    for _ in range(300):
        capacity = rng.randrange(1, 5)
        volunteer = VolunteerProfileFactory(
            home_commune=rng.choice(communes),
            reach=rng.choice(list(Reach)),
            domains=rng.randrange(1, 16),
            availability=rng.randrange(0, 1 << 21),
            has_vehicle=rng.random() < 0.5,
            capacity=capacity,
            live_count=rng.randrange(0, capacity),
            completed_count=rng.randrange(0, 15),
            last_assigned_at=None if rng.random() < 0.3 else timezone.now() - timedelta(days=rng.randrange(0, 20)),
        )
        if rng.random() < 0.3:
            volunteer.skills.add(first_aid)
    compared = 0
    for code in ("shopping", "phone_call", "childcare", "meal_delivery"):
        help_request = HelpRequestFactory(
            triaged=True,
            commune=rng.choice(communes),
            help_type=HelpType.objects.get(code=code),
            preferred_slots=rng.choice([0, rng.randrange(1, 1 << 21)]),
        )
        walked = candidates(help_request, limit=EVERYONE)
        assert [(c.volunteer.pk, c.score) for c in walked] == plain_ranking(help_request, limit=EVERYONE)
        for candidate in walked:
            assert sum(points for _label, points in candidate.factors) == candidate.score, candidate.explanation
        compared += len(walked)
    assert compared > 100  # the sample is not empty by accident


@pytest.mark.parametrize("status", [ProposalStatus.DECLINED, ProposalStatus.EXPIRED, ProposalStatus.DONE])
def test_an_ended_proposal_moves_no_more(status):
    proposal = ProposalFactory(status=status)
    for to in ProposalStatus:
        with pytest.raises(ProposalError):
            proposal.move(to)
    proposal.refresh_from_db()
    assert proposal.status == status


def test_an_accepted_proposal_only_ends_done_or_handed_back():
    proposal = ProposalFactory(status=ProposalStatus.ACCEPTED)
    for to in (ProposalStatus.PROPOSED, ProposalStatus.DECLINED, ProposalStatus.EXPIRED):
        with pytest.raises(ProposalError):
            proposal.move(to)
    proposal.move(ProposalStatus.DONE)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DONE
