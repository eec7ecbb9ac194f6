from celery import shared_task

from pairings.services import visits_generate, visits_sweep


@shared_task
def generate_visits() -> int:
    """Run by beat every night: the visits of the coming weeks, created once (pairings.services)."""
    return visits_generate()


@shared_task
def sweep_visits() -> int:
    """Run by beat every morning: yesterday's unconfirmed visits are missed, their volunteers reminded."""
    return visits_sweep()
