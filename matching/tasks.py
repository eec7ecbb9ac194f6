from datetime import datetime
from itertools import chain

from celery import chord, shared_task
from celery.result import AsyncResult
from django.db import IntegrityError, OperationalError

from crisis.models import HealthRules
from matching import batch, notices
from matching.services import proposals_expire


@shared_task
def expire_proposals() -> int:
    """Run by beat every five minutes: proposals past their deadline go to the next candidate."""
    return proposals_expire()


@shared_task
def announce_health_rules_in_force() -> int:
    """Run by beat every morning: rules published ahead of their date are announced the day they apply (the
    announcement at publication claims only rules already in force)."""
    rules = HealthRules.objects.current()
    return notices.health_rules_changed(rules) if rules and rules.announced_at is None else 0


@shared_task(acks_late=True, autoretry_for=(OperationalError,), max_retries=5, retry_backoff=True)
def announce_health_rules(rules_id: int) -> int:
    """A new version of the health rules, told to the volunteers with live assignments, once (matching.notices)."""
    rules = HealthRules.objects.filter(pk=rules_id).first()
    return notices.health_rules_changed(rules) if rules else 0


# The batch (matching/batch.py): it runs once in a while, for as long as its backlog asks, not on a page's clock.
BATCH_TIME_LIMITS = {"soft_time_limit": 30 * 60, "time_limit": 35 * 60}


@shared_task(**BATCH_TIME_LIMITS)
def propose_open_requests() -> dict:
    """Every request waiting for a volunteer proposed at once: ranked and solved here, written by the workers."""
    plan = batch.batch_plan()
    batch_dispatch(plan)
    return {"assignments": len(plan.assignments), "unassigned": len(plan.unassigned), "total_score": plan.total}


def batch_dispatch(plan: batch.Plan, *, chunk_size: int = batch.CHUNK_SIZE) -> AsyncResult:
    """The plan's chunks to the workers, in parallel; once all are written, the requests left over one by one."""
    now = plan.now.isoformat()
    chunks = [propose_chunk.s(chunk, now) for chunk in plan.chunks(chunk_size)]
    if not chunks:
        return propose_leftovers.delay([], plan.unassigned)
    return chord(chunks)(propose_leftovers.s(plan.unassigned))


# The unique index fired (staff proposed one of the chunk's requests at the last instant): the chunk is rolled back
# and written again, when the check under the locks skips that request.
@shared_task(
    acks_late=True, autoretry_for=(OperationalError, IntegrityError), max_retries=5, retry_backoff=True,
    ignore_result=False, **BATCH_TIME_LIMITS,
)  # fmt: skip
def propose_chunk(assignments: list[list], now: str) -> list[int]:
    """Writes one chunk of the batch's proposals; returns the requests it skipped."""
    return batch.chunk_write([batch.Assignment(*row) for row in assignments], now=datetime.fromisoformat(now))


@shared_task(acks_late=True, ignore_result=False, **BATCH_TIME_LIMITS)
def propose_leftovers(skipped: list[list[int]], unassigned: list[int]) -> int:
    """After the chunks, the requests nobody fitted and those the chunks skipped (`batch.leftovers_propose`)."""
    return batch.leftovers_propose([*unassigned, *chain.from_iterable(skipped)])
