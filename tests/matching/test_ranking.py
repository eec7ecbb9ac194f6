import random
from datetime import timedelta

import pytest
from django.utils import timezone

from core.enums import DayPeriod, Domain, Proximity, Vetting, Weekday, domains_to_mask
from core.models import Commune, HelpType
from core.slots import slot_bit
from matching.enums import ProposalStatus
from matching.ranking import candidates, plain_ranking
from tests.core.factories import HelpTypeFactory
from tests.matching.factories import ProposalFactory
from tests.requests_app.factories import HelpRequestFactory
from tests.volunteers.factories import VolunteerProfileFactory, unverified
from volunteers.enums import Reach
from volunteers.models import Skill

pytestmark = pytest.mark.django_db

NANCY, VANDOEUVRE, POMPEY, LUNEVILLE = "54395", "54547", "54430", "54329"
MONDAY_MORNING = slot_bit(Weekday.MONDAY, DayPeriod.MORNING)
TUESDAY_EVENING = slot_bit(Weekday.TUESDAY, DayPeriod.EVENING)


def commune(insee):
    return Commune.objects.get(insee=insee)


def request_in(insee=NANCY, code="shopping", **fields):
    return HelpRequestFactory(
        triaged=True, commune=commune(insee), help_type=HelpType.objects.get(code=code), **fields
    )


def volunteer_in(insee=NANCY, **fields):
    return VolunteerProfileFactory(home_commune=commune(insee), **fields)


def ranked(help_request):
    return [candidate.volunteer for candidate in candidates(help_request)]


# --- Hard filters -------------------------------------------------------------------------------------------


def test_only_eligible_verified_unpaused_active_volunteers_are_candidates():
    ok = volunteer_in()
    volunteer_in(without_attestations=True)
    volunteer_in(status="suspended")
    volunteer_in(paused_until=timezone.localdate() + timedelta(days=2))
    unverified(volunteer_in())
    inactive = volunteer_in()
    inactive.user.is_active = False
    inactive.user.save()
    assert ranked(request_in()) == [ok]


def test_only_volunteers_of_the_request_s_domain():
    food = volunteer_in(domains=domains_to_mask([Domain.FOOD_EMERGENCY]))
    volunteer_in(domains=domains_to_mask([Domain.CHILDCARE]))
    assert ranked(request_in(code="food_parcel")) == [food]


@pytest.mark.parametrize(
    ("home", "reach", "fits"),
    [
        (NANCY, Reach.COMMUNE, True),
        (VANDOEUVRE, Reach.COMMUNE, False),
        (VANDOEUVRE, Reach.EPCI, True),
        (POMPEY, Reach.EPCI, False),
        (POMPEY, Reach.ARRONDISSEMENT, True),
        (LUNEVILLE, Reach.ARRONDISSEMENT, False),
        (LUNEVILLE, Reach.DEPARTEMENT, True),
        (NANCY, Reach.REMOTE_ONLY, False),
    ],
)
def test_the_reach_must_cover_the_request_s_commune(home, reach, fits):
    volunteer = volunteer_in(home, reach=reach)
    assert (volunteer in ranked(request_in(NANCY))) is fits


def test_remote_help_ignores_geography_and_welcomes_remote_only_volunteers():
    remote_only = volunteer_in(LUNEVILLE, reach=Reach.REMOTE_ONLY)
    far_commune_only = volunteer_in(LUNEVILLE, reach=Reach.COMMUNE)
    assert set(ranked(request_in(NANCY, code="phone_call"))) == {remote_only, far_commune_only}


def test_availability_must_overlap_the_preferred_slots_when_there_are_any():
    monday = volunteer_in(availability=MONDAY_MORNING)
    tuesday = volunteer_in(availability=TUESDAY_EVENING)
    assert ranked(request_in(preferred_slots=MONDAY_MORNING)) == [monday]
    assert set(ranked(request_in(preferred_slots=0))) == {monday, tuesday}


def test_a_volunteer_at_capacity_is_not_a_candidate():
    full = volunteer_in(capacity=1)
    ProposalFactory(volunteer=full, status=ProposalStatus.ACCEPTED)
    assert ranked(request_in()) == []


def test_someone_who_declined_or_let_expire_this_request_is_not_asked_again():
    declined, expired, fresh = volunteer_in(), volunteer_in(), volunteer_in()
    help_request = request_in()
    ProposalFactory(help_request=help_request, volunteer=declined, status=ProposalStatus.DECLINED)
    ProposalFactory(help_request=help_request, volunteer=expired, status=ProposalStatus.EXPIRED)
    assert ranked(help_request) == [fresh]


# --- Score ----------------------------------------------------------------------------------------------------


def test_nearer_tiers_always_come_first_whatever_the_other_factors():
    far_but_perfect = volunteer_in(LUNEVILLE, has_vehicle=True, completed_count=50)
    same_arrondissement = volunteer_in(POMPEY, reach=Reach.ARRONDISSEMENT)
    same_epci = volunteer_in(VANDOEUVRE, reach=Reach.EPCI)
    same_commune_loaded = volunteer_in(NANCY, live_count=4, capacity=5, last_assigned_at=timezone.now())
    found = candidates(request_in(NANCY))
    assert [c.volunteer for c in found] == [same_commune_loaded, same_epci, same_arrondissement, far_but_perfect]
    assert [c.proximity for c in found] == [
        Proximity.SAME_COMMUNE, Proximity.SAME_EPCI, Proximity.SAME_ARRONDISSEMENT, Proximity.SAME_DEPARTEMENT,
    ]  # fmt: skip


def score_of(volunteer, help_request):
    return next(c for c in candidates(help_request) if c.volunteer == volunteer)


def test_each_factor_adds_what_the_weights_say_and_says_why():
    recent = timezone.now() - timedelta(days=1)
    base = dict(last_assigned_at=recent, availability=MONDAY_MORNING)  # no fairness bonus, one shared slot
    plain = volunteer_in(**base)
    with_vehicle = volunteer_in(has_vehicle=True, **base)
    loaded = volunteer_in(live_count=2, capacity=5, **base)
    reliable = volunteer_in(completed_count=4, **base)
    rested = volunteer_in(last_assigned_at=timezone.now() - timedelta(days=8), availability=MONDAY_MORNING)
    skilled = volunteer_in(**base)
    skill = Skill.objects.create(name="Permis B")
    skill.help_types.add(HelpType.objects.get(code="shopping"))
    skilled.skills.add(skill)
    help_request = request_in(preferred_slots=MONDAY_MORNING)

    plain_score = score_of(plain, help_request)
    assert plain_score.score == 400 + 10
    assert plain_score.explanation == "même commune (+400), disponible le lundi matin (+10)"
    assert score_of(with_vehicle, help_request).score == plain_score.score + 15
    assert "véhiculé (+15)" in score_of(with_vehicle, help_request).explanation
    assert score_of(loaded, help_request).score == plain_score.score - 10
    assert "2 demande(s) en cours (−10)" in score_of(loaded, help_request).explanation
    assert score_of(reliable, help_request).score == plain_score.score + 4
    assert "4 aide(s) menée(s) à bien (+4)" in score_of(reliable, help_request).explanation
    assert score_of(rested, help_request).score == plain_score.score + 7
    assert "dernière aide il y a 8 jours (+7)" in score_of(rested, help_request).explanation
    assert score_of(skilled, help_request).score == plain_score.score + 10
    assert "compétence utile (+10)" in score_of(skilled, help_request).explanation


def test_never_assigned_volunteers_get_the_full_fairness_bonus_and_slots_are_capped():
    all_week = volunteer_in()
    help_request = request_in(preferred_slots=sum(slot_bit(day, 0) for day in range(5)))
    found = score_of(all_week, help_request)
    assert found.score == 400 + 30 + 14
    assert "disponible le lundi matin et 4 autre(s) créneau(x) (+30)" in found.explanation
    assert "pas encore sollicité (+14)" in found.explanation


def random_safeguards(rng) -> dict:
    """Every kind of volunteer the safeguards tell apart: checks valid, expired or ending today, a birth year
    unknown, young, just at an age limit or 70 and over, a health risk, the protective rule lifted by staff."""
    today, year = timezone.localdate(), timezone.localdate().year

    def checked_until():
        return rng.choice([None, today - timedelta(days=1), today, today + timedelta(days=rng.randrange(1, 300))])

    return {
        "identity_checked_until": checked_until(),
        "document_checked_until": checked_until(),
        "birth_year": rng.choice([None, year - 19, year - 21, year - 22, year - 45, year - 69, year - 70, year - 82]),
        "health_risk": rng.random() < 0.2,
        "protection_lifted_at": timezone.now() if rng.random() < 0.3 else None,
    }


def safeguarded_help_types():
    """Beside the catalogue (childcare asks a checked document): one asking an identity check and 21 years in
    person, one asking 25 years at a distance."""
    HelpTypeFactory(code="driving", domain=Domain.LOCAL_SOLIDARITY, vetting=Vetting.IDENTITY, minimum_age=21)
    HelpTypeFactory(code="mentoring", domain=Domain.ISOLATED_CONTACT, remote_ok=True, minimum_age=25)
    return ["shopping", "phone_call", "childcare", "food_parcel", "meal_delivery", "driving", "mentoring"]


def test_the_tier_walk_gives_exactly_the_plain_scoring_query_s_ranking():
    rng = random.Random(54)
    communes = list(Commune.objects.filter(arrondissement="543").order_by("insee")[:25]) + [commune(LUNEVILLE)]
    codes = safeguarded_help_types()
    for _ in range(160):
        VolunteerProfileFactory(
            home_commune=rng.choice(communes),
            reach=rng.choice(list(Reach)),
            domains=rng.randrange(1, 16),
            availability=rng.randrange(0, 1 << 21),
            has_vehicle=rng.random() < 0.5,
            capacity=rng.randrange(1, 4),
            completed_count=rng.randrange(0, 15),
            last_assigned_at=None if rng.random() < 0.3 else timezone.now() - timedelta(days=rng.randrange(0, 20)),
            **random_safeguards(rng),
        )
    for _ in range(25):
        help_request = request_in(
            rng.choice(communes).insee,
            code=rng.choice(codes),
            preferred_slots=rng.choice([0, rng.randrange(1, 1 << 21)]),
        )
        walked = [(c.volunteer.pk, c.score) for c in candidates(help_request, limit=10)]
        assert walked == plain_ranking(help_request, limit=10)


def test_the_walk_reads_a_big_tier_in_pieces_and_still_gives_the_plain_ranking(monkeypatch):
    """Few distinct standings and scores, so many ties: the stopping rule and the resumption after the last row
    read must both respect the pk order of equal scores."""
    monkeypatch.setattr("matching.ranking.WALK_FIRST_READ", 3)
    rng = random.Random(1871)
    codes = ["shopping", "phone_call", "food_parcel", *safeguarded_help_types()[-2:]]
    first_aid = Skill.objects.create(name="Premiers secours")
    first_aid.help_types.add(HelpType.objects.get(code="shopping"))
    for _ in range(90):
        capacity = rng.randrange(1, 4)
        volunteer = volunteer_in(
            rng.choice([NANCY, NANCY, NANCY, VANDOEUVRE]),
            reach=Reach.EPCI,
            domains=rng.choice([1, 3, 15]),
            availability=rng.choice([MONDAY_MORNING, TUESDAY_EVENING, MONDAY_MORNING | TUESDAY_EVENING]),
            has_vehicle=rng.random() < 0.3,
            capacity=capacity,
            live_count=rng.randrange(0, capacity),
            completed_count=rng.choice([0, 2, 12]),
            last_assigned_at=rng.choice([None, timezone.now() - timedelta(days=5)]),
            **random_safeguards(rng),
        )
        if rng.random() < 0.2:
            volunteer.skills.add(first_aid)
    for insee in (NANCY, VANDOEUVRE):
        for code in codes:
            for slots in (0, MONDAY_MORNING):
                help_request = request_in(insee, code=code, preferred_slots=slots)
                for limit in (1, 10):
                    walked = [(c.volunteer.pk, c.score) for c in candidates(help_request, limit=limit)]
                    assert walked == plain_ranking(help_request, limit=limit)


def test_a_heavily_loaded_neighbour_comes_after_a_perfect_volunteer_of_the_next_tier_as_the_scores_say():
    loaded_neighbour = volunteer_in(
        NANCY, live_count=9, capacity=10, last_assigned_at=timezone.now(), availability=MONDAY_MORNING
    )
    perfect_next_door = volunteer_in(VANDOEUVRE, reach=Reach.EPCI, has_vehicle=True, completed_count=10)
    help_request = request_in(NANCY, preferred_slots=MONDAY_MORNING | TUESDAY_EVENING | slot_bit(Weekday.FRIDAY, 0))
    found = candidates(help_request)
    assert [(c.volunteer, c.score) for c in found] == [
        (perfect_next_door, 300 + 30 + 15 + 14 + 10),
        (loaded_neighbour, 400 + 10 - 45),
    ]
    assert [(c.volunteer.pk, c.score) for c in found] == plain_ranking(help_request)
    # Even when the commune alone fills the list, the next tier is read while someone there could score more.
    assert [c.volunteer for c in candidates(help_request, limit=1)] == [perfect_next_door]


def test_on_equal_scores_an_older_profile_not_yet_read_still_comes_first(monkeypatch):
    monkeypatch.setattr("matching.ranking.WALK_FIRST_READ", 2)
    low_standing_first_read = volunteer_in()  # 400 + fairness 14
    older_with_everything = volunteer_in(has_vehicle=True)  # 400 + 15 + 14 = 429
    newer_high_standing = volunteer_in(
        completed_count=7, has_vehicle=True, last_assigned_at=timezone.now() - timedelta(days=8)
    )  # 400 + 7 + 15 + 7 = 429
    help_request = request_in()
    # The first read holds the best standing and the oldest lower one; the tie at 429 is decided by a row unread.
    assert [c.volunteer for c in candidates(help_request, limit=1)] == [older_with_everything]
    assert [c.volunteer for c in candidates(help_request, limit=3)] == [
        older_with_everything, newer_high_standing, low_standing_first_read,
    ]  # fmt: skip


def test_a_big_commune_is_ranked_from_its_first_rows_in_standing_order(django_assert_num_queries):
    for _ in range(60):
        volunteer_in(has_vehicle=True)  # with all this request can give: nobody unread can score more
    volunteer_in(VANDOEUVRE, reach=Reach.EPCI, has_vehicle=True)
    help_request = request_in()
    # The commune's first rows; the ten winners' profiles. Neither the rest of the commune nor the next tiers:
    # nobody there can score more than the tenth found.
    with django_assert_num_queries(2):
        found = candidates(help_request)
    assert len(found) == 10 and all(c.proximity == Proximity.SAME_COMMUNE for c in found)
