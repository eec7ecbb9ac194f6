"""Matching: which volunteers could take a help request, in what order and why; and the proposal lifecycle.

Ranking is done by the database, and gives exactly the order of one query scoring every eligible volunteer
(`plain_ranking`, which tests compare) without scoring them all. Candidates are read tier by tier, from the
request's own commune outwards (commune, EPCI, arrondissement, département), each tier through a partial index
ordered by the volunteer's stored standing (record minus load). The rest of a score depends on the request or
the clock and is bounded (`bonus_ceiling`), so once the tenth best score found is beyond the reach of the next
unread standing plus that bound, nobody left in the tier can enter the list, nor anybody in a further tier whose
proximity points plus the best standing and the bound fall short of it.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When, prefetch_related_objects
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.models import Association
from core.alerts import staff_alert
from core.enums import DayPeriod, Proximity, Weekday, domain_bit
from requests_app.enums import Status
from requests_app.models import HelpRequest, TransitionNotAllowed
from requests_app.weights import (
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
from volunteers.enums import ProposalStatus, Reach
from volunteers.models import MATCHING_COLUMNS, Proposal, Skill, VolunteerProfile
from volunteers.services import ProposalError, proposal_create

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
    factors: list[tuple[str, int]] = field(default_factory=list)

    @property
    def explanation(self) -> str:
        return ", ".join(f"{label} ({points:+d})".replace("-", "−") for label, points in self.factors if points)


def eligible(help_request: HelpRequest):
    """Every hard filter but geography: ready to receive proposals (VolunteerProfile.objects.ready()),
    below capacity, in the domain, free at the asked time, and not someone who already declined, let expire
    or handed back this request."""
    volunteers = (
        VolunteerProfile.objects.ready()
        .filter(live_count__lt=F("capacity"))
        .alias(_domain=F("domains").bitand(domain_bit(help_request.domain)))
        .filter(_domain__gt=0)
        .exclude(
            Exists(
                Proposal.objects.filter(
                    help_request=help_request, volunteer=OuterRef("pk"), status__in=ENDED_WITHOUT_HELP
                )
            )
        )
    )
    if help_request.preferred_slots:
        volunteers = volunteers.alias(_overlap=F("availability").bitand(help_request.preferred_slots)).filter(
            _overlap__gt=0
        )
    return volunteers


def tier_filter(help_request: HelpRequest, tier: Proximity) -> Q:
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


def score_expression(help_request: HelpRequest, proximity):
    now = timezone.now()
    slots = [
        Case(When(**{f"_slot{bit}__gt": 0}, then=Value(SLOT_POINTS)), default=Value(0))
        for bit in _request_bits(help_request)
    ]
    slot_points = Least(sum(slots[1:], slots[0]), Value(SLOT_POINTS_MAX)) if slots else Value(0)
    fairness = Case(
        When(last_assigned_at__isnull=True, then=Value(FAIRNESS_POINTS_MAX)),
        *[
            When(last_assigned_at__lte=now - timedelta(days=days), then=Value(points))
            for days, points in FAIRNESS_POINTS
        ],
        default=Value(0),
    )
    vehicle = (
        Case(When(has_vehicle=True, then=Value(VEHICLE_POINTS)), default=Value(0))
        if help_request.help_type.needs_vehicle_hint
        else Value(0)
    )
    skill = Case(When(_useful_skill=True, then=Value(SKILL_POINTS)), default=Value(0))
    # The standing adds the record and takes away the load (VolunteerProfile.standing).
    return proximity + slot_points + skill + vehicle + fairness + F("standing")


def bonus_ceiling(help_request: HelpRequest, *, skills_count: bool) -> int:
    """The most a volunteer can score for this request beyond proximity and standing: the slots it asks for, a
    skill if one is marked useful, a vehicle if hinted, and full fairness (it depends on the clock: not stored)."""
    return (
        min(SLOT_POINTS * len(_request_bits(help_request)), SLOT_POINTS_MAX)
        + (SKILL_POINTS if skills_count else 0)
        + (VEHICLE_POINTS if help_request.help_type.needs_vehicle_hint else 0)
        + FAIRNESS_POINTS_MAX
    )


def _request_bits(help_request: HelpRequest) -> list[int]:
    return [bit for bit in range(len(Weekday) * len(DayPeriod)) if help_request.preferred_slots & (1 << bit)]


def _useful_skills_exist(help_request: HelpRequest) -> bool:
    return Skill.objects.filter(help_types=help_request.help_type_id).exists()


def _scored(queryset, help_request: HelpRequest, proximity, *, skills_count: bool):
    for bit in _request_bits(help_request):
        queryset = queryset.alias(**{f"_slot{bit}": F("availability").bitand(1 << bit)})
    if skills_count:
        useful = Skill.objects.filter(volunteers=OuterRef("pk"), help_types=help_request.help_type_id)
        queryset = queryset.alias(_useful_skill=Exists(useful))
    else:
        # No skill is marked useful for this help type: skip a subquery per volunteer.
        queryset = queryset.alias(_useful_skill=Value(False))
    return queryset.annotate(score=score_expression(help_request, proximity), useful_skill=F("_useful_skill"))


def _rank(volunteer: VolunteerProfile) -> tuple[int, int]:
    """Best score first; on equal scores the older profile, as `plain_ranking` orders."""
    return -volunteer.score, volunteer.pk


# A tier walk reads this many rows first, and this many times more on each further read (most stop after one).
WALK_FIRST_READ, WALK_GROWTH = 40, 4
STANDING_MAX = RECORD_POINTS_MAX  # no load, and the full record


def candidates(help_request: HelpRequest, limit: int = 10) -> list[Candidate]:
    """The best volunteers for this request, in `plain_ranking`'s order, each with the reasons for its score."""
    skills_count = _useful_skills_exist(help_request)
    ceiling = bonus_ceiling(help_request, skills_count=skills_count)
    # Only the columns the ranking reads, all carried by the tier indexes.
    base = eligible(help_request).only("pk", *MATCHING_COLUMNS)
    best: list[VolunteerProfile] = []
    for tier, points in PROXIMITY_POINTS.items():
        if len(best) == limit and best[-1].score > points + STANDING_MAX + ceiling:
            break  # nobody this far or farther can score enough to enter the list
        rows = _scored(
            base.filter(tier_filter(help_request, tier)), help_request, Value(points), skills_count=skills_count
        )
        rows = rows.annotate(proximity=Value(tier, output_field=IntegerField())).order_by("-standing", "pk")
        best = _walk(rows, best, limit=limit, ceiling=points + ceiling)
    # Names and communes for the few winners only, not joined into the ranking.
    prefetch_related_objects(best, "user", "home_commune")
    return [_candidate(help_request, volunteer, Proximity(volunteer.proximity)) for volunteer in best]


def _walk(rows, best: list[VolunteerProfile], *, limit: int, ceiling: int) -> list[VolunteerProfile]:
    """Merges into `best` those of `rows` (one tier, ordered by standing then pk) that belong in the first `limit`,
    reading them by growing chunks. An unread row comes after the last one read: its standing is at most that one's,
    so its score at most that standing plus `ceiling`, and at an equal standing its pk is greater. Once the
    `limit`-th best ranks before such a score with such a pk, no unread row can enter the list."""
    size = WALK_FIRST_READ
    while True:
        read = list(rows[:size])
        # By pk: a volunteer whose standing changed between two reads may come twice; the later read wins.
        merged = {volunteer.pk: volunteer for volunteer in best + read}
        best = sorted(merged.values(), key=_rank)[:limit]
        if len(read) < size:
            return best  # the tier is read to its end
        last = read[-1]
        if len(best) == limit and _rank(best[-1]) <= (-(last.standing + ceiling), last.pk):
            return best
        # Resume after the last row read: from its standing down, skipping the rows of that standing already read.
        rows = rows.filter(standing__lte=last.standing).exclude(standing=last.standing, pk__lte=last.pk)
        size *= WALK_GROWTH


def plain_ranking(help_request: HelpRequest, limit: int = 10) -> list[tuple[int, int]]:
    """The same ranking as one query scoring every eligible volunteer: the reference `candidates` must match."""
    commune = help_request.commune
    proximity = Case(
        When(home_commune=commune.pk, then=Value(PROXIMITY_POINTS[Proximity.SAME_COMMUNE])),
        When(home_epci=commune.epci_id, then=Value(PROXIMITY_POINTS[Proximity.SAME_EPCI])),
        When(
            home_arrondissement=commune.arrondissement_id, then=Value(PROXIMITY_POINTS[Proximity.SAME_ARRONDISSEMENT])
        ),
        default=Value(PROXIMITY_POINTS[Proximity.SAME_DEPARTEMENT]),
        output_field=IntegerField(),
    )
    anywhere = Q()
    for tier in PROXIMITY_POINTS:
        anywhere |= tier_filter(help_request, tier)
    rows = _scored(
        eligible(help_request).filter(anywhere),
        help_request,
        proximity,
        skills_count=_useful_skills_exist(help_request),
    )
    return list(rows.order_by("-score", "pk").values_list("pk", "score")[:limit])


def _candidate(help_request: HelpRequest, volunteer: VolunteerProfile, tier: Proximity) -> Candidate:
    """Rebuilds, for one volunteer, the factors the database added up, in words."""
    factors = [(str(tier.label), PROXIMITY_POINTS[tier])]
    shared = [bit for bit in _request_bits(help_request) if volunteer.availability & (1 << bit)]
    if shared:
        first = shared[0]
        label = _("disponible le %(day)s %(period)s") % {
            "day": Weekday(first // len(DayPeriod)).label,
            "period": DayPeriod(first % len(DayPeriod)).label,
        }
        if len(shared) > 1:
            label += _(" et %(n)s autre(s) créneau(x)") % {"n": len(shared) - 1}
        factors.append((label, min(SLOT_POINTS * len(shared), SLOT_POINTS_MAX)))
    if volunteer.useful_skill:
        factors.append((_("compétence utile"), SKILL_POINTS))
    if help_request.help_type.needs_vehicle_hint and volunteer.has_vehicle:
        factors.append((_("véhiculé"), VEHICLE_POINTS))
    if volunteer.live_count:
        factors.append(
            (_("%(n)s demande(s) en cours") % {"n": volunteer.live_count}, -LOAD_PENALTY * volunteer.live_count)
        )
    factors.append(_fairness_factor(volunteer))
    if volunteer.completed_count:
        factors.append(
            (
                _("%(n)s aide(s) menée(s) à bien") % {"n": volunteer.completed_count},
                min(volunteer.completed_count, RECORD_POINTS_MAX),
            )
        )
    return Candidate(volunteer=volunteer, score=volunteer.score, proximity=tier, factors=factors)


def _fairness_factor(volunteer: VolunteerProfile) -> tuple[str, int]:
    if volunteer.last_assigned_at is None:
        return _("pas encore sollicité"), FAIRNESS_POINTS[0][1]
    days = (timezone.now() - volunteer.last_assigned_at).days
    for threshold, points in FAIRNESS_POINTS:
        if days >= threshold:
            return _("dernière aide il y a %(d)s jours") % {"d": days}, points
    return _("a aidé récemment"), 0


def association_suggestions(help_request: HelpRequest, limit: int = 5):
    """Organisations to route to when no volunteer fits: validated, acting in the commune and the domain."""
    return list(
        Association.objects.validated()
        .covering(help_request.commune)
        .with_domain(help_request.domain)
        .order_by("name")[:limit]
    )


def attempts(help_request: HelpRequest) -> int:
    return help_request.proposals.filter(status__in=ENDED_WITHOUT_HELP).count()


def propose_best(help_request: HelpRequest, *, by=None) -> Proposal | None:
    """Offers the request to the best candidate; after MATCHING_MAX_ATTEMPTS declines or expiries, or when
    nobody fits, hands it to staff. Candidates taken by a concurrent proposal are skipped."""
    help_request.refresh_from_db(fields=["status"])
    if help_request.status not in (Status.NEW, Status.TRIAGED, Status.NEEDS_STAFF):
        return None
    if attempts(help_request) < settings.MATCHING_MAX_ATTEMPTS:
        for candidate in candidates(help_request, limit=5):
            try:
                return proposal_create(
                    help_request=help_request,
                    volunteer=candidate.volunteer,
                    by=by,
                    score=candidate.score,
                    explanation=candidate.explanation,
                )
            except (ProposalError, TransitionNotAllowed):
                continue
    if help_request.status != Status.NEEDS_STAFF:
        help_request.mark_needs_staff(note=_("Aucun bénévole disponible ne correspond : à traiter par un agent."))
        transaction.on_commit(lambda: _needs_staff_alert(help_request))
    return None


def _needs_staff_alert(help_request: HelpRequest) -> None:
    suggestions = ", ".join(str(a) for a in association_suggestions(help_request)) or _("aucune")
    staff_alert(
        subject=_("Demande %(ref)s sans bénévole") % {"ref": help_request.reference},
        body=_("La demande %(ref)s (%(type)s, %(commune)s) n'a pas trouvé de bénévole. Structures suggérées : %(s)s.")
        % {
            "ref": help_request.reference,
            "type": help_request.help_type,
            "commune": help_request.commune,
            "s": suggestions,
        },
    )


@transaction.atomic
def help_request_triage(help_request: HelpRequest, *, by=None, note: str = "") -> Proposal | None:
    help_request.triage(by=by, note=note)
    if settings.MATCHING_ON_TRIAGE:
        return propose_best(help_request, by=by)
    return None


def proposals_expire(now=None) -> int:
    """Ends proposals past their deadline and offers each request to the next candidate. Rows another
    worker is handling are skipped, so two beat runs never expire the same proposal twice."""
    now = now or timezone.now()
    expired = 0
    while True:
        with transaction.atomic():
            proposal = (
                Proposal.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(status=ProposalStatus.PROPOSED, respond_by__lt=now)
                .select_related("help_request")
                .first()
            )
            if proposal is None:
                return expired
            proposal.status = ProposalStatus.EXPIRED
            proposal.save(update_fields=["status"])
            VolunteerProfile.objects.filter(pk=proposal.volunteer_id).update(live_count=F("live_count") - 1)
            help_request = proposal.help_request
            expired += 1
            try:
                help_request.transition(Status.TRIAGED, note=_("Proposition expirée sans réponse."))
            except TransitionNotAllowed:
                continue  # staff moved the request meanwhile: the proposal is over, nothing more to offer
            propose_best(help_request)
