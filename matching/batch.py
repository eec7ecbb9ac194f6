"""The matching's batch: every request waiting for a volunteer proposed at once, for a département opening with a
backlog (the `propose_open_requests` task and management command).

One `propose_best` after another costs about fourteen statements and a commit a request, and each takes the best
volunteer left for it, whoever comes next. The batch instead
1. takes the requests `propose_best` would propose (`open_requests`);
2. ranks their candidates in set-based reads, as `candidates` ranks them (`ranking.candidates_for_many`);
3. solves who is offered what as one assignment maximising the total score (`assignment_solve`), each volunteer
   within her free places, each request one proposal at most;
4. writes the proposals in chunks that Celery workers take in parallel (`chunk_write`, one transaction each), every
   rule checked again under the row locks as `proposal_create` checks it: a request staff proposed meanwhile, or a
   volunteer who no longer fits, is skipped and goes through `propose_best` afterwards, with the requests nobody
   fitted (`propose_one_by_one`), which offers them to someone else or hands them to staff.
"""

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

import numpy
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from core.enums import Proximity
from matching import notices
from matching.enums import LIVE_PROPOSAL_STATUSES, asked_before
from matching.models import Proposal
from matching.ranking import ENDED_WITHOUT_HELP, Candidate, Scored, candidates_for_many
from matching.services import _counters_move, propose_best, proposed_note, response_deadline
from matching.weights import LOAD_PENALTY
from volunteers.models import VolunteerProfile

if TYPE_CHECKING:
    from requests_app.models import HelpRequest

logger = logging.getLogger(__name__)

# Candidates ranked per request: the solver's choice among them. `propose_best` tries five.
CANDIDATES_PER_REQUEST = 10
# The most a leftovers round ranks per request (`leftovers_propose`).
LEFTOVERS_CANDIDATES_MAX = 320
# Proposals a worker writes in one transaction: its locks are held that long.
CHUNK_SIZE = 500


class Assignment(NamedTuple):
    """A request offered to a volunteer, as the solver chose it and a chunk carries it (JSON, for the worker)."""

    help_request_id: int
    volunteer_id: int
    proximity: str
    useful_skill: bool
    continuity: bool


@dataclass
class Plan:
    """What the batch will write: the assignments, the requests nobody among their candidates could take, and the
    total score as the proposals will record it (each volunteer's load growing with her proposals)."""

    assignments: list[Assignment]
    unassigned: list[int]
    total: int
    now: datetime
    # What it was solved from, for comparisons (`assignment_greedy`).
    ranked: dict[int, list[Scored]]
    places: dict[int, int]

    def chunks(self, size: int = CHUNK_SIZE) -> list[list[Assignment]]:
        """About `size` assignments each, a volunteer's all in one chunk: chunks written in parallel never wait
        for each other's row locks."""
        chunks: list[list[Assignment]] = [[]]
        by_volunteer = sorted(self.assignments, key=lambda assignment: assignment.volunteer_id)
        for index, assignment in enumerate(by_volunteer):
            if len(chunks[-1]) >= size and assignment.volunteer_id != by_volunteer[index - 1].volunteer_id:
                chunks.append([])
            chunks[-1].append(assignment)
        return [chunk for chunk in chunks if chunk]


def _help_requests():
    """The request model, known through the proposal's key: requests_app sits above this app."""
    return Proposal._meta.get_field("help_request").related_model


def open_requests(only: Iterable[int] | None = None) -> list["HelpRequest"]:
    """The requests `propose_best` would propose now (among `only`, if given): waiting for a volunteer
    (`awaiting_a_volunteer`), no carer confirmation pending, fewer than MATCHING_MAX_ATTEMPTS declined, expired or
    handed back, no live proposal. Most urgent first, then the oldest."""
    ended = Proposal.objects.filter(help_request=OuterRef("pk"), status__in=ENDED_WITHOUT_HELP)
    attempts = Subquery(ended.order_by().values("help_request").annotate(n=Count("pk")).values("n"))
    waiting = (
        _help_requests()
        .objects.awaiting_a_volunteer()
        .alias(attempts=Coalesce(attempts, 0))
        .filter(attempts__lt=settings.MATCHING_MAX_ATTEMPTS)
        .exclude(Exists(Proposal.objects.live().filter(help_request=OuterRef("pk"))))
        .select_related("commune", "help_type")
        .order_by("urgency", "created_at", "pk")
    )
    if only is not None:
        waiting = waiting.filter(pk__in=list(only))
    return [
        help_request
        for help_request in waiting
        if help_request.can_be_proposed and not help_request.awaits_carer_confirmation
    ]


def free_places(volunteer_ids: Iterable[int]) -> dict[int, int]:
    """How many more requests each volunteer may be offered: her capacity less her live proposals."""
    return dict(
        VolunteerProfile.objects.filter(pk__in=list(volunteer_ids)).values_list("pk", F("capacity") - F("live_count"))
    )


# --- Who is offered what ------------------------------------------------------------------------------------------

Picked = dict[int, tuple[Scored, int]]  # request → the candidate offered it, and the score the proposal will record


def assignment_solve(ranked: dict[int, list[Scored]], places: dict[int, int]) -> Picked:
    """The assignment of most total score, as a minimum-cost full matching of a sparse bipartite graph: a row per
    request; a column per free place of a volunteer, the k-th costing k load penalties more (her score once she
    follows k more requests, as the proposal will record it: the solver fills her places in order); and a column per
    request for "nobody", dearer than any candidate (every score is positive: the farthest tier's points exceed the
    heaviest load's penalty), so that a full matching always exists and a request goes unproposed only when its
    candidates' places serve more score elsewhere."""
    requests = list(ranked)
    columns: dict[tuple[int, int], int] = {}
    rows, cols, scores = [], [], []
    for row, request_id in enumerate(requests):
        for candidate in ranked[request_id]:
            for place in range(places.get(candidate.volunteer_id, 0)):
                rows.append(row)
                cols.append(columns.setdefault((candidate.volunteer_id, place), len(columns)))
                scores.append(candidate.score - place * LOAD_PENALTY)
    if not requests:
        return {}
    ceiling = max(scores, default=0) + 1  # costs must be positive: a stored zero would be no edge
    nobody = len(columns)
    costs = numpy.concatenate([ceiling - numpy.asarray(scores, dtype=float), numpy.full(len(requests), ceiling)])
    matrix = csr_matrix(
        (
            costs,
            (
                numpy.concatenate([rows, range(len(requests))]),
                numpy.concatenate([cols, range(nobody, nobody + len(requests))]),
            ),
        ),
        shape=(len(requests), nobody + len(requests)),
    )
    matched_rows, matched_columns = min_weight_full_bipartite_matching(matrix)
    places_of = {column: key for key, column in columns.items()}
    picked: Picked = {}
    for row, column in zip(matched_rows, matched_columns, strict=True):
        if column >= nobody:
            continue
        volunteer_id, place = places_of[column]
        request_id = requests[row]
        candidate = next(c for c in ranked[request_id] if c.volunteer_id == volunteer_id)
        picked[request_id] = (candidate, candidate.score - place * LOAD_PENALTY)
    return picked


def assignment_greedy(ranked: dict[int, list[Scored]], places: dict[int, int]) -> Picked:
    """What one `propose_best` after another would give on the same scores: each request in turn, in `ranked`'s
    order, takes its best candidate with a place left, her score lowered by the load she took on before."""
    taken: Counter[int] = Counter()
    picked: Picked = {}
    for request_id, found in ranked.items():
        free = [c for c in found if taken[c.volunteer_id] < places.get(c.volunteer_id, 0)]
        if not free:
            continue
        best = min(free, key=lambda c: (-(c.score - taken[c.volunteer_id] * LOAD_PENALTY), c.volunteer_id))
        picked[request_id] = (best, best.score - taken[best.volunteer_id] * LOAD_PENALTY)
        taken[best.volunteer_id] += 1
    return picked


def batch_plan(
    *, now: datetime | None = None, only: Iterable[int] | None = None, limit: int = CANDIDATES_PER_REQUEST
) -> Plan:
    """Ranks the open requests (among `only`, if given), `limit` candidates each, and solves their assignment:
    reads only, nothing written yet."""
    now = now or timezone.now()
    help_requests = open_requests(only)
    ranked = candidates_for_many(help_requests, limit=limit, now=now)
    places = free_places({candidate.volunteer_id for found in ranked.values() for candidate in found})
    picked = assignment_solve(ranked, places)
    assignments = [
        Assignment(
            request_id, candidate.volunteer_id, candidate.proximity, candidate.useful_skill, candidate.continuity
        )
        for request_id, (candidate, _score) in picked.items()
    ]
    unassigned = [help_request.pk for help_request in help_requests if help_request.pk not in picked]
    total = sum(score for _candidate, score in picked.values())
    return Plan(assignments, unassigned, total, now, ranked, places)


# --- Writing, a chunk at a time -----------------------------------------------------------------------------------


@transaction.atomic
def chunk_write(assignments: list[Assignment], *, now: datetime) -> list[int]:
    """Writes a chunk's proposals in one transaction and a bounded number of statements, whatever its size: the
    volunteers locked first and by pk (the order `proposal_create` takes, and no deadlock between chunks), then the
    requests; each assignment checked again as `proposal_create` checks it (ready, carer, capacity, safeguards, not
    asked before, no live proposal: the partial unique index stays the last guard); then the requests moved with
    their history lines, the proposals, the counters and the messages, each in one statement. Returns the requests
    skipped, for `propose_best`."""
    volunteer_ids = sorted({assignment.volunteer_id for assignment in assignments})
    volunteers = {
        volunteer.pk: volunteer
        for volunteer in VolunteerProfile.objects.ready()
        .select_for_update(of=("self",))
        .select_related("user")  # for the messages
        .filter(pk__in=volunteer_ids)
        .order_by("pk")
    }
    requests = {
        help_request.pk: help_request
        for help_request in _help_requests()
        .objects.select_for_update(of=("self",))
        .select_related("commune", "help_type")
        .filter(pk__in=[assignment.help_request_id for assignment in assignments])
        .order_by("pk")
    }
    earlier = Proposal.objects.filter(help_request__in=list(requests)).values_list(
        "help_request_id", "volunteer_id", "status"
    )
    live, attempts, asked = set(), Counter(), set()
    for request_id, volunteer_id, status in earlier:
        if status in LIVE_PROPOSAL_STATUSES:
            live.add(request_id)
        attempts[request_id] += status in ENDED_WITHOUT_HELP
        if status in asked_before(recurring=requests[request_id].is_recurring):
            asked.add((request_id, volunteer_id))
    load = {pk: volunteer.live_count for pk, volunteer in volunteers.items()}
    skipped, offers = [], []
    for assignment in assignments:
        help_request = requests.get(assignment.help_request_id)
        volunteer = volunteers.get(assignment.volunteer_id)  # None: no longer ready (paused, suspended…)
        if (
            help_request is None
            or volunteer is None
            or not help_request.can_be_proposed
            or help_request.awaits_carer_confirmation
            or help_request.pk in live
            or attempts[help_request.pk] >= settings.MATCHING_MAX_ATTEMPTS
            or (help_request.pk, volunteer.pk) in asked
            or load[volunteer.pk] >= volunteer.capacity
            or volunteer.safeguard_refusals(help_request.help_type)
        ):
            if help_request is not None:
                skipped.append(help_request.pk)
            continue
        # Scored and explained as `candidates` would score her now: her load is what she follows at this point.
        volunteer.live_count = load[volunteer.pk]
        candidate = Candidate(
            volunteer,
            0,
            Proximity(assignment.proximity),
            help_request,
            useful_skill=assignment.useful_skill,
            now=now,
            continuity=assignment.continuity,
        )
        offers.append((help_request, volunteer, sum(points for _label, points in candidate.factors), candidate))
        load[volunteer.pk] += 1
    moved = set(
        _help_requests().objects.mark_proposed(
            {help_request.pk: proposed_note(volunteer.pk) for help_request, volunteer, *_ in offers}
        )
    )
    proposals = Proposal.objects.bulk_create(
        Proposal(
            help_request=help_request,
            volunteer=volunteer,
            score=score,
            explanation=candidate.explanation,
            respond_by=response_deadline(help_request),
        )
        for help_request, volunteer, score, candidate in offers
        if help_request.pk in moved
    )
    skipped += [help_request.pk for help_request, *_ in offers if help_request.pk not in moved]
    made = Counter(proposal.volunteer_id for proposal in proposals)
    by_count: dict[int, list[int]] = defaultdict(list)
    for volunteer_id, count in made.items():
        by_count[count].append(volunteer_id)
    for count, volunteer_ids in by_count.items():
        _counters_move(volunteer_ids, live=count)
    notices.proposals_made(proposals)
    return skipped


def leftovers_propose(request_ids: Iterable[int]) -> int:
    """After the chunks, the requests they could not propose: those whose candidates' places served more score
    elsewhere are ranked again among the places left and solved again, in this process (they are few), until a
    round proposes nobody more; the rest go through `propose_best`, which hands them to staff when nobody fits.
    Returns how many got a proposal."""
    request_ids, proposed, limit = list(request_ids), 0, CANDIDATES_PER_REQUEST
    while request_ids:
        # Requests alike (one commune, one help type) share their best candidates: when a hundred ask in a city,
        # ten candidates each leave most of them without a place. Each round looks twice as far down the lists.
        limit = min(limit * 2, LEFTOVERS_CANDIDATES_MAX)
        plan = batch_plan(only=request_ids, limit=limit)
        skipped = [pk for chunk in plan.chunks() for pk in chunk_write(chunk, now=plan.now)]
        if len(skipped) == len(plan.assignments):
            break  # nothing more to propose this way
        proposed += len(plan.assignments) - len(skipped)
        request_ids = plan.unassigned + skipped
    return proposed + propose_one_by_one(request_ids)


def propose_one_by_one(request_ids: Iterable[int]) -> int:
    """`propose_best` for each request the batch could not propose: the next candidates, or staff. Returns how many
    got a proposal."""
    proposed = 0
    model = _help_requests()
    for help_request in model.objects.filter(pk__in=list(request_ids)).select_related("commune", "help_type"):
        proposed += propose_best(help_request) is not None
    return proposed
