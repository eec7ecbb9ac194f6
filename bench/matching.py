"""Matching at scale: rank candidates among VOLUNTEERS (default 100,000) volunteers and propose 10,000 requests.

Run with `make bench-matching` (or `VOLUNTEERS=1000000 make bench-matching` for the national scale).
Seeds its own PostgreSQL database once (kept between runs), then reports p50/p95 of `matching.candidates`
for a sample of requests and the time to propose every open request in one batch. Figures go to BENCHMARKS.md.
"""

import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VOLUNTEERS = int(os.environ.get("VOLUNTEERS", "100000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "10000"))
SAMPLE = int(os.environ.get("BENCH_SAMPLE", "400"))
CHECKED = int(os.environ.get("BENCH_CHECKED", "100"))  # requests also ranked by the plain query, to compare
# The batch: BENCH_BATCH=solver (matching/batch.py) or greedy (one propose_best after another); with
# BENCH_BATCH_WORKERS=N the solver's chunks go to N Celery worker processes on a Redis db of their own.
BATCH_MODE = os.environ.get("BENCH_BATCH", "solver")
WORKERS = int(os.environ.get("BENCH_BATCH_WORKERS", "0"))
if WORKERS:
    os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entraide.settings.test")
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/entraide_bench_matching_{VOLUNTEERS}"
)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Sum  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import common  # noqa: E402
from bench.common import BATCH, machine_cpu, progress, steal_share, volunteers_seed  # noqa: E402
from core.models import Commune, HelpType  # noqa: E402
from matching import batch  # noqa: E402
from matching.models import Proposal  # noqa: E402
from matching.ranking import candidates, plain_ranking  # noqa: E402
from matching.services import propose_best  # noqa: E402
from matching.tasks import batch_dispatch  # noqa: E402
from requests_app.models import HelpRequest, StatusChange  # noqa: E402
from requests_app.references import new_reference, new_tracking_token  # noqa: E402
from volunteers.models import VolunteerProfile  # noqa: E402


def database_ready() -> None:
    common.database_ready()
    vacuum_analyze()  # a migration may have rewritten the table: fresh statistics and visibility map


def vacuum_analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def seed_requests(rng: random.Random) -> None:
    open_requests = HelpRequest.objects.filter(status="triaged").count()
    if open_requests >= REQUESTS:
        return
    communes = list(Commune.objects.filter(population__isnull=False))
    weights = [c.population for c in communes]
    help_types = list(HelpType.objects.all())
    now = timezone.now()
    for start in range(open_requests, REQUESTS, BATCH):
        count = min(BATCH, REQUESTS - start)
        batch = []
        for i in range(count):
            help_type = rng.choice(help_types)
            batch.append(
                HelpRequest(
                    reference=new_reference(),
                    tracking_token=new_tracking_token(),
                    status="triaged",
                    requester_name=f"Demandeur {start + i}",
                    requester_phone=f"+3361{start + i:07d}",
                    commune=rng.choices(communes, weights=weights)[0],
                    help_type=help_type,
                    domain=help_type.domain,
                    description="Besoin",
                    urgency=rng.choice([1, 2, 2, 3]),
                    preferred_slots=0 if rng.random() < 0.6 else rng.randrange(1, 1 << 21),
                    consent_at=now,
                )
            )
        HelpRequest.objects.bulk_create(batch, batch_size=BATCH)
        progress("requests", start + count, REQUESTS)
    vacuum_analyze()


def undo_previous_batch() -> None:
    """Every run starts from the seeded state: a previous batch proposed requests and loaded volunteers."""
    if not Proposal.objects.exists():
        return
    Proposal.objects.all().delete()
    StatusChange.objects.all().delete()
    HelpRequest.objects.exclude(status="triaged").update(status="triaged")
    VolunteerProfile.objects.filter(live_count__gt=0).update(live_count=0)
    vacuum_analyze()
    print("undone: the previous batch's proposals, history and loads")


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


def main() -> None:
    rng = random.Random(54)
    database_ready()
    if volunteers_seed(rng, VOLUNTEERS):
        vacuum_analyze()
    undo_previous_batch()
    seed_requests(rng)
    sample = list(
        HelpRequest.objects.filter(status="triaged").select_related("commune", "help_type").order_by("?")[:SAMPLE]
    )
    for help_request in sample[:20]:
        candidates(help_request)  # warm the caches
    print(f"load average before ranking: {os.getloadavg()[0]:.2f} (the machine's cores are shared)")
    timings, machine_before = [], machine_cpu()
    for help_request in sample:
        start = time.perf_counter()
        candidates(help_request, limit=10)
        timings.append((time.perf_counter() - start) * 1000)
    print(f"\n{VolunteerProfile.objects.count():,} volunteers, {len(sample)} requests ranked (top 10); CPU stolen by "
          f"the hypervisor meanwhile: {steal_share(machine_before):.0%}")  # fmt: skip
    print(f"rank one request: p50 {statistics.median(timings):.2f} ms, p95 {percentile(timings, 95):.2f} ms, "
          f"max {max(timings):.2f} ms")  # fmt: skip

    # The reference: one query scoring every eligible volunteer. Same order, or the figures above mean nothing.
    plain_timings, differ = [], 0
    for help_request in sample[:CHECKED]:
        start = time.perf_counter()
        reference = plain_ranking(help_request, limit=10)
        plain_timings.append((time.perf_counter() - start) * 1000)
        differ += [(c.volunteer.pk, c.score) for c in candidates(help_request, limit=10)] != reference
    print(f"plain scoring query, {len(plain_timings)} of them: p50 {statistics.median(plain_timings):.2f} ms, "
          f"p95 {percentile(plain_timings, 95):.2f} ms; rankings that differ from it: {differ}")  # fmt: skip

    if os.environ.get("BENCH_SKIP_BATCH"):
        return
    settings.MATCHING_MAX_ATTEMPTS = 3
    machine_before = machine_cpu()
    if BATCH_MODE == "greedy":
        greedy_batch()
    else:
        solver_batch()
    print(f"CPU stolen by the hypervisor during the batch: {steal_share(machine_before):.0%}")


def batch_report(label: str, elapsed: float, requests: int) -> None:
    made = Proposal.objects.aggregate(count=Count("pk"), total=Sum("score"))
    print(f"batch ({label}): {requests:,} requests in {elapsed:.1f} s, {made['count']:,} proposed (the rest to "
          f"staff), total score {made['total'] or 0:,}; load average {os.getloadavg()[1]:.2f} over the last 5 "
          f"minutes")  # fmt: skip


def greedy_batch() -> None:
    """Today's loop: one propose_best after another."""
    pending = list(HelpRequest.objects.filter(status="triaged").select_related("commune", "help_type")[:REQUESTS])
    start = time.perf_counter()
    for index, help_request in enumerate(pending, 1):
        propose_best(help_request)
        if index % 500 == 0 or index == len(pending):
            progress("proposing", index, len(pending))
    batch_report("greedy, one propose_best after another", time.perf_counter() - start, len(pending))


def solver_batch() -> None:
    """matching/batch.py: ranked in set-based reads, solved, written in chunks by WORKERS Celery workers (none: the
    chunks run in this process, as with CELERY_TASK_ALWAYS_EAGER)."""
    workers = start_workers(WORKERS) if WORKERS else []
    try:
        start = time.perf_counter()
        plan = batch.batch_plan()
        planned = time.perf_counter()
        greedy = batch.assignment_greedy(plan.ranked, plan.places)
        print(f"plan: {len(plan.ranked):,} requests ranked and solved in {planned - start:.1f} s: "
              f"{len(plan.assignments):,} assignments, total score {plan.total:,}; greedy on the same scores: "
              f"{len(greedy):,} assignments, total {sum(score for _, score in greedy.values()):,}")  # fmt: skip
        start_writing = time.perf_counter()
        result = batch_dispatch(plan)
        # The chunks are done when their proposals are all written (none is skipped here: nobody else proposes);
        # the chord's header results are not kept to be polled.
        while Proposal.objects.count() < len(plan.assignments) and not result.ready():
            time.sleep(0.2)
        chunks_done = time.perf_counter()
        while not result.ready():
            time.sleep(0.2)
        proposed_after = result.get(disable_sync_subtasks=False)
        done = time.perf_counter()
        # With workers, the leftovers' task waits in the queue behind the messages the chunks queued on commit.
        print(f"chunks written in {chunks_done - start_writing:.1f} s by {WORKERS or 'this process (eager)'} "
              f"worker(s), {Proposal.objects.count():,} proposals then; leftovers done {done - chunks_done:.1f} s "
              f"later, {proposed_after:,} more proposed")  # fmt: skip
        batch_report(f"solver, {WORKERS} workers", done - start, len(plan.ranked))
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)


def start_workers(count: int) -> list[subprocess.Popen]:
    """`count` Celery worker processes of one child each, on this database and the benchmark's Redis db."""
    from entraide.celery import app

    app.control.purge()
    env = dict(os.environ)  # DATABASE_URL, REDIS_URL and CELERY_TASK_ALWAYS_EAGER as set above
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "entraide",
                "worker",
                "--concurrency=1",
                "--loglevel=WARNING",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"bench{index}@%h",
            ],
            cwd=ROOT,
            env=env,
        )  # fmt: skip
        for index in range(count)
    ]
    deadline = time.monotonic() + 60
    while len(app.control.ping(timeout=1) or []) < count:
        if time.monotonic() > deadline:
            raise RuntimeError("the Celery workers did not start")
    return workers


if __name__ == "__main__":
    main()
