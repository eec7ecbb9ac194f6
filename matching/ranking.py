"""Ranking: which volunteers could take a help request, in what order and why.

Ranking is done by the database, and gives exactly the order of one query scoring every eligible volunteer
(`plain_ranking`, the rules stated through the ORM, which tests and the bench compare) without scoring them all.
`candidates` reads tier by tier, from the request's own commune outwards (commune, EPCI, arrondissement,
département), each tier through a partial index ordered by the volunteer's stored standing (record minus load,
kept by PostgreSQL). The rest of a score depends on the request or on the clock and has a ceiling
(`bonus_ceiling`): once the tenth best found outranks what the next unread standing plus that ceiling could
reach, the rest of the tier is skipped, and so is any farther tier whose points plus the best standing and the
ceiling fall short. Fairness depends on the clock, so it stays out of the stored standing: no scheduled job has
to refresh it, and the walk is exact at every instant.

The score is the sum of the FACTORS below. Each states its rule once for its three readers, from the same weights
(`matching.weights`): an ORM expression (`plain_ranking`), a SQL term (`TierWalk`), and a line of the explanation
staff read and the proposal keeps, whose points add up to the score.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

from django.db import connection
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.models import Association
from core.enums import DayPeriod, Proximity, Weekday, domain_bit
from matching.enums import ProposalStatus
from matching.models import Proposal
from matching.weights import (
    CONTINUITY_POINTS,
    FAIRNESS_POINTS,
    FAIRNESS_POINTS_MAX,
    LOAD_PENALTY,
    PROXIMITY_POINTS,
    RECORD_POINTS_MAX,
    SKILL_POINTS,
    SLOT_POINTS,
    SLOT_POINTS_MAX,
    VEHICLE_POINTS,
)
from volunteers.enums import Reach
from volunteers.models import (
    PROTECTED_AGE,
    VETTING_PROOFS,
    Skill,
    VolunteerProfile,
    born_by,
    minimum_age_asked,
    protection_applies,
)

if TYPE_CHECKING:
    from requests_app.models import HelpRequest

# Which reach lets a volunteer go how far: each tier accepts the reaches that extend at least that far.
REACHES_FOR_TIER = {
    Proximity.SAME_COMMUNE: [Reach.COMMUNE, Reach.EPCI, Reach.ARRONDISSEMENT, Reach.DEPARTEMENT],
    Proximity.SAME_EPCI: [Reach.EPCI, Reach.ARRONDISSEMENT, Reach.DEPARTEMENT],
    Proximity.SAME_ARRONDISSEMENT: [Reach.ARRONDISSEMENT, Reach.DEPARTEMENT],
    Proximity.SAME_DEPARTEMENT: [Reach.DEPARTEMENT],
}
# A volunteer who declined, let expire or handed back a request is not asked again for it.
ENDED_WITHOUT_HELP = (ProposalStatus.DECLINED, ProposalStatus.EXPIRED, ProposalStatus.CANCELLED)


@dataclass
class Candidate:
    volunteer: VolunteerProfile
    score: int
    proximity: Proximity
    help_request: "HelpRequest"
    useful_skill: bool = False
    # The instant the database scored at: fairness counts days up to it.
    now: datetime = field(default_factory=timezone.now)
    # Already helped the person, for a regular help (`_with_continuity`): CONTINUITY_POINTS are in `score`.
    continuity: bool = False

    @cached_property
    def factors(self) -> list[tuple[str, int]]:
        """The factors the database added up, in words; built for the candidates someone reads about only."""
        lines = [line for factor in FACTORS if (line := factor.explain(self)) is not None]
        if self.continuity:
            lines.insert(0, (_("a déjà aidé cette personne"), CONTINUITY_POINTS))
        return lines

    @property
    def safeguard_note(self) -> str:
        """What staff should know of the protective rule for this candidate: lifted for her, and why."""
        volunteer = self.volunteer
        if not (protection_applies(self.help_request.help_type) and volunteer.protection_lifted):
            return ""
        if not volunteer.is_protected():
            return ""
        return _("aide sur place autorisée par l'équipe malgré la règle de protection (%(reason)s)") % {
            "reason": volunteer.protection_lift_reason or _("sans motif")
        }

    @property
    def explanation(self) -> str:
        lines = [f"{label} ({points:+d})".replace("-", "−") for label, points in self.factors if points]
        if note := self.safeguard_note:
            lines.append(note)
        return ", ".join(lines)


# --- The factors of the score ----------------------------------------------------------------------------------------


class Factor:
    """One part of the score. `expression` is its ORM form, `sql` its term in the walk's query (over the volunteer
    row `v`, with the named parameters `params` gives), `explain` its line in words with its points, or None when it
    adds nothing to say."""

    def expression(self, help_request: "HelpRequest", now: datetime):
        raise NotImplementedError

    def sql(self, help_request: "HelpRequest") -> str:
        raise NotImplementedError

    def params(self, help_request: "HelpRequest", now: datetime) -> dict:
        return {}

    def explain(self, candidate: Candidate) -> tuple[str, int] | None:
        raise NotImplementedError


def _least() -> str:
    return "MIN" if connection.vendor == "sqlite" else "LEAST"


class ProximityFactor(Factor):
    """Points by tier. The walk reads one tier at a time, so its term is the tier's points as a parameter."""

    def expression(self, help_request, now):
        commune = help_request.commune
        return Case(
            When(home_commune=commune.pk, then=Value(PROXIMITY_POINTS[Proximity.SAME_COMMUNE])),
            When(home_epci=commune.epci_id, then=Value(PROXIMITY_POINTS[Proximity.SAME_EPCI])),
            When(
                home_arrondissement=commune.arrondissement_id,
                then=Value(PROXIMITY_POINTS[Proximity.SAME_ARRONDISSEMENT]),
            ),
            default=Value(PROXIMITY_POINTS[Proximity.SAME_DEPARTEMENT]),
            output_field=IntegerField(),
        )

    def sql(self, help_request):
        return "%(proximity_points)s"

    def explain(self, candidate):
        return str(candidate.proximity.label), PROXIMITY_POINTS[candidate.proximity]


class SlotsFactor(Factor):
    """Per weekly slot both the request and the volunteer have, up to a cap."""

    def expression(self, help_request, now):
        # One per shared slot: the bit shifted down to the units.
        shared = [F("availability").bitrightshift(bit).bitand(1) for bit in _request_bits(help_request)]
        if not shared:
            return Value(0)
        return Least(sum(shared[1:], shared[0]) * SLOT_POINTS, Value(SLOT_POINTS_MAX))

    def sql(self, help_request):
        shared = " + ".join(f"((v.availability >> {bit}) & 1)" for bit in _request_bits(help_request)) or "0"
        return f"{_least()}({SLOT_POINTS} * ({shared}), {SLOT_POINTS_MAX})"

    def explain(self, candidate):
        shared = [
            bit for bit in _request_bits(candidate.help_request) if candidate.volunteer.availability & (1 << bit)
        ]
        if not shared:
            return None
        first = shared[0]
        label = _("disponible le %(day)s %(period)s") % {
            "day": Weekday(first // len(DayPeriod)).label,
            "period": DayPeriod(first % len(DayPeriod)).label,
        }
        if len(shared) > 1:
            label += _(" et %(n)s autre(s) créneau(x)") % {"n": len(shared) - 1}
        return label, min(SLOT_POINTS * len(shared), SLOT_POINTS_MAX)


class SkillFactor(Factor):
    """A skill staff marked as useful for the help type. The walk selects whether the volunteer has one as a column
    of its own (the subquery is written once) and adds `points` in Python."""

    def expression(self, help_request, now):
        return Case(When(_useful_skill=True, then=Value(SKILL_POINTS)), default=Value(0))

    def sql(self, help_request):
        return """EXISTS (SELECT 1 FROM volunteers_volunteerprofile_skills vs
            JOIN volunteers_skill_help_types sh ON sh.skill_id = vs.skill_id
            WHERE vs.volunteerprofile_id = v.id AND sh.helptype_id = %(help_type)s)"""

    def params(self, help_request, now):
        return {"help_type": help_request.help_type_id}

    @staticmethod
    def points(useful_skill: bool) -> int:
        return SKILL_POINTS if useful_skill else 0

    def explain(self, candidate):
        return (_("compétence utile"), self.points(True)) if candidate.useful_skill else None


class VehicleFactor(Factor):
    """A vehicle, when the help type hints one."""

    def expression(self, help_request, now):
        if not help_request.help_type.needs_vehicle_hint:
            return Value(0)
        return Case(When(has_vehicle=True, then=Value(VEHICLE_POINTS)), default=Value(0))

    def sql(self, help_request):
        return "CASE WHEN v.has_vehicle THEN %(vehicle_points)s ELSE 0 END"

    def params(self, help_request, now):
        return {"vehicle_points": VEHICLE_POINTS if help_request.help_type.needs_vehicle_hint else 0}

    def explain(self, candidate):
        if candidate.help_request.help_type.needs_vehicle_hint and candidate.volunteer.has_vehicle:
            return _("véhiculé"), VEHICLE_POINTS
        return None


class LoadFactor(Factor):
    """A penalty per request the volunteer already follows: with the record, the stored standing."""

    def expression(self, help_request, now):
        return F("live_count") * -LOAD_PENALTY

    def sql(self, help_request):
        return f"v.live_count * {-LOAD_PENALTY}"

    def explain(self, candidate):
        live = candidate.volunteer.live_count
        return (_("%(n)s demande(s) en cours") % {"n": live}, -LOAD_PENALTY * live) if live else None


class FairnessFactor(Factor):
    """Points by days since the volunteer last accepted a request; never counts as long ago."""

    def expression(self, help_request, now):
        return Case(
            When(last_assigned_at__isnull=True, then=Value(FAIRNESS_POINTS_MAX)),
            *[
                When(last_assigned_at__lte=now - timedelta(days=days), then=Value(points))
                for days, points in FAIRNESS_POINTS
            ],
            default=Value(0),
        )

    def sql(self, help_request):
        steps = " ".join(
            f"WHEN v.last_assigned_at <= %(assigned_{days}_days_ago)s THEN {points}"
            for days, points in FAIRNESS_POINTS
        )
        return f"CASE WHEN v.last_assigned_at IS NULL THEN {FAIRNESS_POINTS_MAX} {steps} ELSE 0 END"

    def params(self, help_request, now):
        ops = connection.ops
        return {
            f"assigned_{days}_days_ago": ops.adapt_datetimefield_value(now - timedelta(days=days))
            for days, _ in FAIRNESS_POINTS
        }

    def explain(self, candidate):
        last = candidate.volunteer.last_assigned_at
        if last is None:
            return _("pas encore sollicité"), FAIRNESS_POINTS_MAX
        days = (candidate.now - last).days
        for threshold, points in FAIRNESS_POINTS:
            if days >= threshold:
                return _("dernière aide il y a %(d)s jours") % {"d": days}, points
        return _("a aidé récemment"), 0


class RecordFactor(Factor):
    """A point per completed help, up to a cap: with the load, the stored standing."""

    def expression(self, help_request, now):
        return Least(F("completed_count"), Value(RECORD_POINTS_MAX))

    def sql(self, help_request):
        return f"{_least()}(v.completed_count, {RECORD_POINTS_MAX})"

    def explain(self, candidate):
        done = candidate.volunteer.completed_count
        if not done:
            return None
        return _("%(n)s aide(s) menée(s) à bien") % {"n": done}, min(done, RECORD_POINTS_MAX)


SKILL = SkillFactor()
# In the order the explanation reads them.
FACTORS = [
    ProximityFactor(), SlotsFactor(), SKILL, VehicleFactor(), LoadFactor(), FairnessFactor(), RecordFactor(),
]  # fmt: skip


# --- The rules through the ORM: `plain_ranking`, the reference the tier walk must match ------------------------------


def eligible(help_request: "HelpRequest"):
    """Every hard filter but geography: ready to receive proposals (VolunteerProfile.objects.ready()),
    below capacity, in the domain, allowed the help type (vetting, age, protective rule: `may_take`), free at the
    asked time, and not someone who already declined, let expire or handed back this request."""
    volunteers = (
        VolunteerProfile.objects.ready()
        .filter(live_count__lt=F("capacity"))
        .with_domain(help_request.domain)
        .may_take(help_request.help_type)
        .exclude(
            Exists(
                Proposal.objects.filter(
                    help_request=help_request, volunteer=OuterRef("pk"), status__in=ENDED_WITHOUT_HELP
                )
            )
        )
    )
    if slots := request_slots(help_request):
        volunteers = volunteers.alias(_overlap=F("availability").bitand(slots)).filter(_overlap__gt=0)
    return volunteers


def request_slots(help_request: "HelpRequest") -> int:
    """The weekly slots a volunteer must be free in. A regular help asks one slot every week, which is then one
    bit: "shares a slot" becomes "covers it". Else the preferred slots, any of which will do (none: any time)."""
    return help_request.recurring_slot or help_request.preferred_slots


def tier_filter(help_request: "HelpRequest", tier: Proximity) -> Q:
    commune = help_request.commune
    place = {
        Proximity.SAME_COMMUNE: Q(home_commune=commune.pk),
        Proximity.SAME_EPCI: Q(home_epci=commune.epci_id) & ~Q(home_commune=commune.pk),
        Proximity.SAME_ARRONDISSEMENT: Q(home_arrondissement=commune.arrondissement_id)
        & ~Q(home_epci=commune.epci_id),
        Proximity.SAME_DEPARTEMENT: ~Q(home_arrondissement=commune.arrondissement_id),
    }[tier]
    if help_request.help_type.remote_ok:
        return place  # a phone call needs no travel: every reach will do, "remote only" included
    return place & Q(reach__in=REACHES_FOR_TIER[tier])


def score_expression(help_request: "HelpRequest", now: datetime | None = None):
    """The score through the ORM: the sum of the factors' expressions."""
    now = now or timezone.now()
    expressions = [factor.expression(help_request, now) for factor in FACTORS]
    return sum(expressions[1:], expressions[0])


def _request_bits(help_request: "HelpRequest") -> list[int]:
    slots = request_slots(help_request)
    return [bit for bit in range(len(Weekday) * len(DayPeriod)) if slots & (1 << bit)]


def _useful_skills_exist(help_request: "HelpRequest") -> bool:
    return Skill.objects.filter(help_types=help_request.help_type_id).exists()


def _scored(queryset, help_request: "HelpRequest", *, skills_count: bool):
    if skills_count:
        useful = Skill.objects.filter(volunteers=OuterRef("pk"), help_types=help_request.help_type_id)
        queryset = queryset.alias(_useful_skill=Exists(useful))
    else:
        # No skill is marked useful for this help type: skip a subquery per volunteer.
        queryset = queryset.alias(_useful_skill=Value(False))
    return queryset.annotate(score=score_expression(help_request), useful_skill=F("_useful_skill"))


def plain_ranking(help_request: "HelpRequest", limit: int = 10) -> list[tuple[int, int]]:
    """The same ranking as one query scoring every eligible volunteer: the reference `candidates` must match."""
    anywhere = Q()
    for tier in PROXIMITY_POINTS:
        anywhere |= tier_filter(help_request, tier)
    rows = _scored(
        eligible(help_request).filter(anywhere),
        help_request,
        skills_count=_useful_skills_exist(help_request),
    )
    return list(rows.order_by("-score", "pk").values_list("pk", "score")[:limit])


# --- The tier walk ---------------------------------------------------------------------------------------------------


class Ranked(NamedTuple):
    """One volunteer as a tier walk reads it: enough to rank, not yet to show."""

    pk: int
    standing: int
    score: int
    useful_skill: bool
    proximity: Proximity


def bonus_ceiling(help_request: "HelpRequest", *, skills_count: bool) -> int:
    """The most a volunteer can score for this request beyond proximity and standing: the slots it asks for, a
    skill if one is marked useful, a vehicle if hinted, and full fairness (it depends on the clock: not stored)."""
    return (
        min(SLOT_POINTS * len(_request_bits(help_request)), SLOT_POINTS_MAX)
        + (SKILL_POINTS if skills_count else 0)
        + (VEHICLE_POINTS if help_request.help_type.needs_vehicle_hint else 0)
        + FAIRNESS_POINTS_MAX
    )


def _rank(row: Ranked) -> tuple[int, int]:
    """Best score first; on equal scores the older profile, as `plain_ranking` orders."""
    return -row.score, row.pk


# A tier walk reads this many rows first, and this many times more on each further read (most stop after one).
# One request's walk reads 80 first: at 40, one ranking in seven read its first tier twice, and those made the p95
# (BENCHMARKS.md, 2026-12-04: 100,000 volunteers, p95 5.17–5.64 ms at 40, 3.56–4.96 at 80). The batch's walks read
# 40 each, for thousands of requests in one query, where a second read is shared.
WALK_FIRST_READ, MANY_WALK_FIRST_READ, WALK_GROWTH = 80, 40, 2
STANDING_MAX = RECORD_POINTS_MAX  # no load, and the full record


def candidates(help_request: "HelpRequest", limit: int = 10) -> list[Candidate]:
    """The best volunteers for this request, in `plain_ranking`'s order, each with the reasons for its score."""
    if not VolunteerProfile.objects.anyone_vetted_for(help_request.help_type):
        return []  # nobody holds the proof asked: the walk would read every tier to its end
    walk = TierWalk(help_request)
    best: list[Ranked] = []
    for tier, points in PROXIMITY_POINTS.items():
        if len(best) == limit and best[-1].score > points + STANDING_MAX + walk.ceiling:
            break  # nobody this far or farther can score enough to enter the list
        best = walk.merge(tier, best, limit=limit)
    # The winners' profiles in one query (names and communes are for the pages that show them).
    volunteers = VolunteerProfile.objects.in_bulk([row.pk for row in best])
    ranked = [
        Candidate(
            volunteers[row.pk], row.score, row.proximity, help_request, useful_skill=row.useful_skill, now=walk.now
        )
        for row in best
        if row.pk in volunteers  # unless deleted meanwhile
    ]
    if help_request.is_recurring:
        return _with_continuity(help_request, ranked, limit)
    return ranked


# --- Continuity, for a regular help ---------------------------------------------------------------------------------


def previous_helpers(help_request: "HelpRequest") -> set[int]:
    """The volunteers who already helped the person: brought this request, or another from her phone number, to
    completion (as the hotline recognises a caller: by number)."""
    helped = Proposal.objects.filter(status=ProposalStatus.DONE, volunteer__isnull=False)
    same_person = Q(help_request=help_request.pk)
    if phone := help_request.person_phone:
        same_person |= Q(help_request__in=type(help_request).objects.from_contact(phone=phone))
    return set(helped.filter(same_person).values_list("volunteer_id", flat=True))


def candidates_among(help_request: "HelpRequest", volunteer_ids) -> list[Candidate]:
    """Those of these volunteers who pass every hard filter for the request, scored as the walk scores (through the
    ORM: they are few)."""
    anywhere = Q()
    for tier in PROXIMITY_POINTS:
        anywhere |= tier_filter(help_request, tier)
    rows = _scored(
        eligible(help_request).filter(anywhere, pk__in=volunteer_ids),
        help_request,
        skills_count=_useful_skills_exist(help_request),
    ).order_by("pk")
    now = timezone.now()
    return [
        Candidate(volunteer, volunteer.score, _proximity(volunteer, help_request), help_request,
                  useful_skill=volunteer.useful_skill, now=now)
        for volunteer in rows
    ]  # fmt: skip


def _proximity(volunteer: VolunteerProfile, help_request: "HelpRequest") -> Proximity:
    """`tier_filter`'s geography for one volunteer (a commune without an EPCI matches a volunteer without one)."""
    commune = help_request.commune
    if volunteer.home_commune_id == commune.pk:
        return Proximity.SAME_COMMUNE
    if volunteer.home_epci_id == commune.epci_id:
        return Proximity.SAME_EPCI
    if volunteer.home_arrondissement_id == commune.arrondissement_id:
        return Proximity.SAME_ARRONDISSEMENT
    return Proximity.SAME_DEPARTEMENT


def _with_continuity(help_request: "HelpRequest", ranked: list[Candidate], limit: int) -> list[Candidate]:
    """A regular help: whoever already helped the person and passes the hard filters gains CONTINUITY_POINTS, which
    put her first, wherever the walk ranked her or had left her."""
    helped = previous_helpers(help_request)
    if not helped:
        return ranked
    known = {candidate.volunteer.pk: candidate for candidate in ranked if candidate.volunteer.pk in helped}
    known |= {candidate.volunteer.pk: candidate for candidate in candidates_among(help_request, helped - set(known))}
    for candidate in known.values():
        candidate.score += CONTINUITY_POINTS
        candidate.continuity = True
    others = [candidate for candidate in ranked if candidate.volunteer.pk not in known]
    return sorted([*known.values(), *others], key=lambda candidate: (-candidate.score, candidate.volunteer.pk))[:limit]


class TierWalk:
    """Reads one request's candidates tier by tier, in SQL: composed by the ORM, this query took about ten times
    longer to build than PostgreSQL took to run it. It states again the rules of `eligible` and `tier_filter`, which
    `plain_ranking` runs through the ORM, and scores with the FACTORS' SQL terms; tests and the bench compare the two
    rankings.
    Plain SQL that SQLite understands too, for the embedded default."""

    def __init__(self, help_request: "HelpRequest"):
        self.help_request = help_request
        # Whether any skill is marked useful for the help type: the first read tells. Until then, assume one is,
        # as a higher ceiling is always safe.
        self.skills_count = True
        self.now = now = timezone.now()
        # The score but the skill points, added in Python from the column after it: the subquery is written once.
        score = "\n                + ".join(factor.sql(help_request) for factor in FACTORS if factor is not SKILL)
        self.sql = f"""
            SELECT v.id, v.standing,
                {score},
                {SKILL.sql(help_request)},
                EXISTS (SELECT 1 FROM volunteers_skill_help_types WHERE helptype_id = %(help_type)s)
            FROM volunteers_volunteerprofile v JOIN accounts_user u ON u.id = v.user_id
            WHERE v.is_eligible AND u.is_active AND (v.paused_until IS NULL OR v.paused_until < %(today)s)
                AND v.live_count < v.capacity AND (v.domains & %(domain_bit)s) > 0
                AND (%(slots)s = 0 OR (v.availability & %(slots)s) > 0)
                AND NOT EXISTS (SELECT 1 FROM {Proposal._meta.db_table} p
                    WHERE p.help_request_id = %(help_request)s AND p.volunteer_id = v.id
                    AND p.status IN ({", ".join(f"'{status}'" for status in ENDED_WITHOUT_HELP)}))
        """ + safeguards_sql(help_request.help_type)
        ops = connection.ops
        today = timezone.localdate()
        self.params = {
            **{key: value for factor in FACTORS for key, value in factor.params(help_request, now).items()},
            "today": ops.adapt_datefield_value(today),
            "minimum_age_born_by": born_by(minimum_age_asked(help_request.help_type) or 0, today),
            "protected_born_by": born_by(PROTECTED_AGE, today),
            "domain_bit": domain_bit(help_request.domain),
            "slots": request_slots(help_request),
            "help_request": help_request.pk,
        }

    @property
    def ceiling(self) -> int:
        return bonus_ceiling(self.help_request, skills_count=self.skills_count)

    def merge(self, tier: Proximity, best: list[Ranked], *, limit: int) -> list[Ranked]:
        """Merges into `best` the tier's volunteers that belong in the first `limit`, reading them by growing
        chunks, by standing then pk. An unread row comes after the last one read: its standing is at most that
        one's, so its score at most that standing plus the tier's points and the ceiling, and at an equal standing
        its pk is greater. Once the `limit`-th best ranks before such a score with such a pk, the walk stops."""
        size, last = WALK_FIRST_READ, None
        while True:
            rows = self._read(tier, size, after=last)
            # By pk: a volunteer whose standing changed between two reads may come twice; the later read wins.
            best = sorted({row.pk: row for row in best + rows}.values(), key=_rank)[:limit]
            if len(rows) < size:
                return best  # the tier is read to its end
            last = rows[-1]
            unread_at_most = last.standing + PROXIMITY_POINTS[tier] + self.ceiling
            if len(best) == limit and _rank(best[-1]) <= (-unread_at_most, last.pk):
                return best
            size *= WALK_GROWTH

    def _read(self, tier: Proximity, size: int, *, after: Ranked | None) -> list[Ranked]:
        """The next `size` volunteers of the tier by standing then pk, from the first or after `after`."""
        place, params = self._place(tier)
        sql = f"{self.sql} AND {place}"
        if not self.help_request.help_type.remote_ok:
            reaches = ", ".join(f"'{reach}'" for reach in REACHES_FOR_TIER[tier])
            sql += f" AND v.reach IN ({reaches})"
        if after is not None:
            # From the last row's standing down (the index range starts there), past the rows of it already read.
            sql += (
                " AND v.standing <= %(after_standing)s AND NOT (v.standing = %(after_standing)s AND v.id <= %(after)s)"
            )
            params |= {"after_standing": after.standing, "after": after.pk}
        sql += " ORDER BY v.standing DESC, v.id LIMIT %(size)s"
        params |= {**self.params, "proximity_points": PROXIMITY_POINTS[tier], "size": size}
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if rows:
            self.skills_count = bool(rows[0][-1])
        return [
            Ranked(pk, standing, score + SKILL.points(bool(skill)), bool(skill), tier)
            for pk, standing, score, skill, _ in rows
        ]

    def _place(self, tier: Proximity) -> tuple[str, dict]:
        """`tier_filter`'s geography, NULLs as the ORM treats them: a commune may belong to no EPCI."""
        commune = self.help_request.commune
        same_commune, other_commune = _same_and_other("v.home_commune_id", "commune", commune.pk)
        same_epci, other_epci = _same_and_other("v.home_epci_id", "epci", commune.epci_id)
        same_arrondissement, other_arrondissement = _same_and_other(
            "v.home_arrondissement_id", "arrondissement", commune.arrondissement_id
        )
        place = {
            Proximity.SAME_COMMUNE: same_commune,
            Proximity.SAME_EPCI: f"{same_epci} AND {other_commune}",
            Proximity.SAME_ARRONDISSEMENT: f"{same_arrondissement} AND {other_epci}",
            Proximity.SAME_DEPARTEMENT: other_arrondissement,
        }[tier]
        return place, {"commune": commune.pk, "epci": commune.epci_id, "arrondissement": commune.arrondissement_id}


def safeguards_sql(help_type) -> str:
    """`volunteers.models.safeguards_q` as the walk's SQL, from the same constants and over columns the tier indexes
    include (MATCHING_COLUMNS): nothing at all for a remote help type asking no vetting nor age."""
    sql = ""
    if proofs := VETTING_PROOFS[help_type.vetting]:
        sql += " AND (" + " OR ".join(f"v.{column} >= %(today)s" for column in proofs) + ")"
    if minimum_age_asked(help_type) is not None:
        sql += " AND v.birth_year IS NOT NULL AND v.birth_year <= %(minimum_age_born_by)s"
    if protection_applies(help_type):
        sql += (
            " AND (v.protection_lifted_at IS NOT NULL"
            " OR (NOT v.health_risk AND (v.birth_year IS NULL OR v.birth_year > %(protected_born_by)s)))"
        )
    return sql


def _same_and_other(column: str, param: str, value) -> tuple[str, str]:
    """SQL for column = value and for its opposite as the ORM's exclude() has it: a NULL column is other."""
    if value is None:
        return f"{column} IS NULL", f"{column} IS NOT NULL"
    return f"{column} = %({param})s", f"({column} IS NULL OR {column} <> %({param})s)"


# --- When no volunteer fits -----------------------------------------------------------------------------------------


def association_suggestions(help_request: "HelpRequest", limit: int = 5):
    """Organisations to route to when no volunteer fits: validated, acting in the commune and the domain."""
    return list(
        Association.objects.validated()
        .covering(help_request.commune)
        .with_domain(help_request.domain)
        .order_by("name")[:limit]
    )


# --- Many requests at once: the batch's ranking (matching/batch.py) -------------------------------------------------


class Scored(NamedTuple):
    """One of a request's candidates as the batch keeps it: enough to solve the assignment and to write the
    proposal, not a loaded profile."""

    volunteer_id: int
    score: int
    proximity: Proximity
    useful_skill: bool
    continuity: bool = False


def candidates_for_many(
    help_requests: list["HelpRequest"], limit: int = 10, *, now: datetime | None = None
) -> dict[int, list[Scored]]:
    """`candidates` for many requests, in `plain_ranking`'s order, read by set-based statements: the tier walk run
    for all of them together. Each read is one statement per help type (its safeguards are SQL of their own), a
    LATERAL join over the requests that reads each one's next rows of the tier through the same partial index, and
    each request stops, skips a tier or reads on by the walk's own bounds (`TierWalk.merge`, `candidates`).
    The requests select_related their commune and help type. A regular help then gets continuity as `candidates`
    gives it; a commune without EPCI or arrondissement (the set reads compare with `=`), or another database than
    PostgreSQL, is ranked by `candidates` one by one."""
    # As `candidates`: no walk for a help type whose checks nobody has passed.
    vetted = {help_type.pk: VolunteerProfile.objects.anyone_vetted_for(help_type)
              for help_type in {help_request.help_type for help_request in help_requests}}  # fmt: skip
    unvetted = {help_request.pk: [] for help_request in help_requests if not vetted[help_request.help_type_id]}
    help_requests = [help_request for help_request in help_requests if help_request.pk not in unvetted]
    one_by_one = [
        help_request
        for help_request in help_requests
        if connection.vendor != "postgresql"
        or help_request.commune.epci_id is None
        or help_request.commune.arrondissement_id is None
    ]
    ranked = unvetted | {
        help_request.pk: [_scored_from(candidate) for candidate in candidates(help_request, limit=limit)]
        for help_request in one_by_one
    }
    together = [help_request for help_request in help_requests if help_request.pk not in ranked]
    if not together:
        return ranked
    now = now or timezone.now()
    with_skills = set(Skill.help_types.through.objects.values_list("helptype_id", flat=True))
    walks = [
        _ManyWalk(help_request, limit, skills_count=help_request.help_type_id in with_skills)
        for help_request in together
    ]
    for tier, points in PROXIMITY_POINTS.items():
        reading = [walk for walk in walks if not walk.beyond(points)]
        size, first = MANY_WALK_FIRST_READ, True
        while reading:
            rows = _tier_read(tier, reading, size=size, first=first, now=now)
            reading = [walk for walk in reading if not walk.merge(tier, rows.get(walk.help_request.pk), size=size)]
            size, first = size * WALK_GROWTH, False
    recurring = [walk for walk in walks if walk.help_request.is_recurring]
    profiles = VolunteerProfile.objects.in_bulk([row.pk for walk in recurring for row in walk.best])
    for walk in walks:
        help_request = walk.help_request
        if not help_request.is_recurring:
            ranked[help_request.pk] = [Scored(row.pk, row.score, row.proximity, row.useful_skill) for row in walk.best]
            continue
        found = [
            Candidate(profiles[row.pk], row.score, row.proximity, help_request, useful_skill=row.useful_skill, now=now)
            for row in walk.best
            if row.pk in profiles
        ]
        ranked[help_request.pk] = [
            _scored_from(candidate) for candidate in _with_continuity(help_request, found, limit)
        ]
    return ranked


def _scored_from(candidate: Candidate) -> Scored:
    return Scored(
        candidate.volunteer.pk, candidate.score, candidate.proximity, candidate.useful_skill, candidate.continuity
    )


class _ManyWalk:
    """One request's state in `candidates_for_many`: the best rows so far and where its tier's reading stands.
    Its ceiling knows whether a skill is marked useful for the help type (read once for all), where the walk of
    one request assumes one until its first read says otherwise: both are bounds, so both are exact."""

    def __init__(self, help_request: "HelpRequest", limit: int, *, skills_count: bool):
        self.help_request, self.limit = help_request, limit
        self.ceiling = bonus_ceiling(help_request, skills_count=skills_count)
        self.best: list[Ranked] = []
        self.after: Ranked | None = None
        self.done = False

    def beyond(self, points: int) -> bool:
        """Whether nobody this far or farther can enter the list (as `candidates` skips a tier)."""
        self.after = None
        self.done = self.done or (
            len(self.best) == self.limit and self.best[-1].score > points + STANDING_MAX + self.ceiling
        )
        return self.done

    def merge(self, tier: Proximity, read: "_Read | None", *, size: int) -> bool:
        """`TierWalk.merge`'s step for one read of the tier; whether the tier is read far enough."""
        if read is None:
            return True  # nobody (more) in the tier
        self.best = sorted({row.pk: row for row in self.best + read.best}.values(), key=_rank)[: self.limit]
        if read.count < size:
            return True
        self.after = last = read.last
        unread_at_most = last.standing + PROXIMITY_POINTS[tier] + self.ceiling
        return len(self.best) == self.limit and _rank(self.best[-1]) <= (-unread_at_most, last.pk)


class _Read(NamedTuple):
    """What one read of a tier brings for one request: its best rows, how many rows it read, the last of them."""

    best: list[Ranked]
    count: int
    last: Ranked


# `tier_filter`'s geography over a row `r` of the requests (no NULL there: those communes are ranked one by one).
_MANY_PLACES = {
    Proximity.SAME_COMMUNE: "v.home_commune_id = r.commune",
    Proximity.SAME_EPCI: "v.home_epci_id = r.epci AND v.home_commune_id <> r.commune",
    Proximity.SAME_ARRONDISSEMENT: (
        "v.home_arrondissement_id = r.arrondissement AND (v.home_epci_id IS NULL OR v.home_epci_id <> r.epci)"
    ),
    Proximity.SAME_DEPARTEMENT: "(v.home_arrondissement_id IS NULL OR v.home_arrondissement_id <> r.arrondissement)",
}


def _tier_read(
    tier: Proximity, walks: list[_ManyWalk], *, size: int, first: bool, now: datetime
) -> dict[int, "_Read"]:
    """The next `size` volunteers of the tier for each walk's request, by standing then pk: one statement per help
    type, the requests as arrays unnested, each read by a LATERAL subquery that states `TierWalk`'s filters with
    the request's own values taken from its row (`r`) and scores with the FACTORS' SQL terms; the slots, which
    differ from one request to the next, are counted as the bits the volunteer and the request share."""
    by_help_type: dict[int, list[_ManyWalk]] = {}
    for walk in walks:
        by_help_type.setdefault(walk.help_request.help_type_id, []).append(walk)
    today = timezone.localdate()
    ops = connection.ops
    found: dict[int, _Read] = {}
    for group in by_help_type.values():
        sample = group[0].help_request
        help_type = sample.help_type
        score = "\n + ".join(
            _MANY_SLOTS_SQL if isinstance(factor, SlotsFactor) else factor.sql(sample)
            for factor in FACTORS
            if factor is not SKILL
        )
        # Only each request's `limit` best come back, with how many rows were read and the last one (by standing
        # then pk): the walk needs no more, and PostgreSQL sends a quarter of the rows.
        sql = f"""
            SELECT r.id, c.id, c.standing, c.score, c.skill, c.count, c.last_standing, c.last_id
            FROM unnest(%(ids)s::bigint[], %(communes)s::varchar[], %(epcis)s::varchar[],
                        %(arrondissements)s::varchar[],
                        %(domain_bits)s::integer[], %(slots)s::integer[], %(after_standings)s::integer[],
                        %(afters)s::bigint[])
                AS r(id, commune, epci, arrondissement, domain_bit, slots, after_standing, after_id)
            CROSS JOIN LATERAL (
              SELECT t.id, t.standing, t.score + CASE WHEN t.skill THEN {SKILL.points(True)} ELSE 0 END AS score,
                t.skill, count(*) OVER () AS count,
                first_value(t.standing) OVER last_read AS last_standing, first_value(t.id) OVER last_read AS last_id
              FROM (
                SELECT v.id, v.standing, {score} AS score, {SKILL.sql(sample)} AS skill
                FROM volunteers_volunteerprofile v JOIN accounts_user u ON u.id = v.user_id
                WHERE v.is_eligible AND u.is_active AND (v.paused_until IS NULL OR v.paused_until < %(today)s)
                    AND v.live_count < v.capacity AND (v.domains & r.domain_bit) > 0
                    AND (r.slots = 0 OR (v.availability & r.slots) > 0)
                    AND NOT EXISTS (SELECT 1 FROM {Proposal._meta.db_table} p
                        WHERE p.help_request_id = r.id AND p.volunteer_id = v.id
                        AND p.status IN ({", ".join(f"'{status}'" for status in ENDED_WITHOUT_HELP)}))
                    {safeguards_sql(help_type)}
                    AND {_MANY_PLACES[tier]}
        """
        if not help_type.remote_ok:
            reaches = ", ".join(f"'{reach}'" for reach in REACHES_FOR_TIER[tier])
            sql += f" AND v.reach IN ({reaches})"
        if not first:
            sql += " AND v.standing <= r.after_standing AND NOT (v.standing = r.after_standing AND v.id <= r.after_id)"
        sql += """ ORDER BY v.standing DESC, v.id LIMIT %(size)s) t
              WINDOW last_read AS (ORDER BY t.standing, t.id DESC)
              ORDER BY 3 DESC, t.id LIMIT %(limit)s) c"""
        requests = [walk.help_request for walk in group]
        params = {
            **{key: value for factor in FACTORS for key, value in factor.params(sample, now).items()},
            "today": ops.adapt_datefield_value(today),
            "minimum_age_born_by": born_by(minimum_age_asked(help_type) or 0, today),
            "protected_born_by": born_by(PROTECTED_AGE, today),
            "proximity_points": PROXIMITY_POINTS[tier],
            "size": size,
            "limit": group[0].limit,
            "ids": [r.pk for r in requests],
            "communes": [r.commune_id for r in requests],
            "epcis": [r.commune.epci_id for r in requests],
            "arrondissements": [r.commune.arrondissement_id for r in requests],
            "domain_bits": [domain_bit(r.domain) for r in requests],
            "slots": [request_slots(r) for r in requests],
            "after_standings": [walk.after.standing if walk.after else 0 for walk in group],
            "afters": [walk.after.pk if walk.after else 0 for walk in group],
        }
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        by_request: dict[int, list] = {}
        for row in rows:
            by_request.setdefault(row[0], []).append(row)
        for request_id, read in by_request.items():
            _, _, _, _, _, count, last_standing, last_id = read[0]
            found[request_id] = _Read(
                [Ranked(pk, standing, score, skill, tier) for _, pk, standing, score, skill, *_ in read],
                count,
                Ranked(last_id, last_standing, 0, False, tier),
            )
    return found


# `SlotsFactor.sql` for a request known only as a row: the bits shared, counted by PostgreSQL.
_MANY_SLOTS_SQL = f"LEAST({SLOT_POINTS} * bit_count((v.availability & r.slots)::bit(32)), {SLOT_POINTS_MAX})"
